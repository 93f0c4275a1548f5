"""stepcheck's bundled data (corpus, label guide, demo sites), importable as ``stepcheck_data``.

pyproject.toml maps this folder to the package ``stepcheck_data`` so that a plain, non-editable
``pip install .`` ships the corpus and the demo sites; code reads them with ``importlib.resources``.
"""
