"""stepcheck's classifier: labels, cues, model, evidence, batch runs and the command line.

May import ``scraper``; ``scraper`` never imports this package.
"""

import logging

__all__: list[str] = []

logging.getLogger(__name__).addHandler(logging.NullHandler())
