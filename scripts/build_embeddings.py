"""Regenerate the corpus vectors shipped with the package (run after the corpus text changes).

    HF_HUB_OFFLINE=1 .venv/bin/python scripts/build_embeddings.py [CORPUS_DIR]

Writes src/aismm_assistant/retrieval/embeddings/minilm-chunks.{npy,json}: float16 vectors of
every chunk of the corpus, keyed by chunk-text hash and model fingerprint, plus the corpus hash.
Only texts the current file lacks are embedded (sentence-transformers), so an edit of a few
objectives takes seconds. `tests/test_shipped_embeddings.py` fails while the file is stale.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from aismm_assistant.corpus import load_corpus_dir
from aismm_assistant.retrieval.chunks import corpus_chunks
from aismm_assistant.retrieval.embedder import model_fingerprint
from aismm_assistant.retrieval.vectors import SHIPPED_STEM, chunk_vectors, text_key, write_vector_file
from aismm_assistant.settings import PROJECT_ROOT


def main() -> None:
    corpus_dir = Path(sys.argv[1]) if len(sys.argv) > 1 else PROJECT_ROOT / "corpus"
    started = time.perf_counter()
    corpus = load_corpus_dir(corpus_dir)
    chunks = corpus_chunks(corpus)
    with tempfile.TemporaryDirectory() as scratch:  # no AISMM_HOME cache: only the shipped file or the model
        matrix, report = chunk_vectors(chunks, corpus.content_hash, Path(scratch))
    keys = list(dict.fromkeys(text_key(c.text) for c in chunks))
    rows = {text_key(c.text): i for i, c in enumerate(chunks)}
    write_vector_file(
        SHIPPED_STEM, keys, matrix[[rows[k] for k in keys]], model_fingerprint(),
        corpus_hash=corpus.content_hash, corpus_version=corpus.meta.version,
    )
    size = SHIPPED_STEM.with_suffix(".npy").stat().st_size + SHIPPED_STEM.with_suffix(".json").stat().st_size
    print(f"{SHIPPED_STEM.relative_to(PROJECT_ROOT)}.{{npy,json}}: {len(keys)} vectors for corpus "
          f"{corpus.content_hash} ({report.from_package} reused, {report.embedded} embedded) "
          f"{size / 1e6:.2f} MB in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
