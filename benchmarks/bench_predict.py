"""Batched, vectorised prediction versus one document at a time, measured side by side.

    python benchmarks/bench_predict.py [--docs 400]

Prints seconds per document for ``classify_texts`` on the whole batch and for a loop of
``classify_text`` calls on the same texts, and their ratio. Also the share of batch time spent in
each stage (feature transform, probabilities, evidence and features), to know where the cost is.
"""

from __future__ import annotations

import argparse
import time

from classifier import classify_text, classify_texts, find_cues, load_corpus, load_model
from classifier.cues import _find_cues


def timed(function, *args, **kwargs) -> float:
    _find_cues.cache_clear()  # every measurement starts cold: no help from an earlier round
    started = time.perf_counter()
    function(*args, **kwargs)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=400)
    args = parser.parse_args()
    model = load_model()
    texts = load_corpus()["text"].tolist()[: args.docs]  # distinct texts
    classify_texts(texts[:20], model=model)  # warm-up
    rounds = []
    for _ in range(3):  # interleave the two ways so machine noise hits both alike
        batch = timed(classify_texts, texts, model=model)
        single = timed(lambda: [classify_text(t, model=model) for t in texts])
        rounds.append((batch, single))
    batch, single = min(r[0] for r in rounds), min(r[1] for r in rounds)
    transform = timed(model.pipeline[:-1].transform, texts)
    cues = timed(lambda: [find_cues(t) for t in texts])
    print(f"{len(texts)} documents, best of 3 interleaved rounds")
    print(f"  batched  classify_texts : {batch / len(texts) * 1e3:7.2f} ms/doc")
    print(f"  one by one classify_text: {single / len(texts) * 1e3:7.2f} ms/doc")
    print(f"  ratio one-by-one / batched: {single / batch:.2f}x")
    print(
        f"  stage shares of the batched time: feature transform (cue matching included) {transform / batch:.0%}, "
        f"cue matching alone {cues / batch:.0%}, probabilities + evidence + top features "
        f"{max(0.0, 1 - transform / batch):.0%}"
    )


if __name__ == "__main__":
    main()
