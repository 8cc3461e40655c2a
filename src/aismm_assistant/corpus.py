"""Load, validate and query the corpus (``corpus/corpus.yaml`` + ``corpus/categories/*.yaml``).

Loading is cheap (a dozen YAML files) and never touches the heavy retrieval stack, so exact
lookups start in a fraction of a second.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import re
from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import ValidationError as PydanticValidationError

from aismm_assistant.errors import CorpusError, NotFoundError
from aismm_assistant.model import (
    CATEGORY_ORDER,
    Category,
    Control,
    Corpus,
    CorpusMeta,
)

try:
    _Loader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - libyaml missing
    _Loader = yaml.SafeLoader

_LOOSE_ID_RE = re.compile(r"^\s*([A-Za-z]{2,3})\s*[-_ ]?\s*0*(\d)\s*[.\-_ ]\s*(\d+)\s*$")


def _format_pydantic(err: PydanticValidationError) -> str:
    first = err.errors()[0]
    loc = ".".join(str(p) for p in first.get("loc", ()) if p != "__root__")
    msg = first.get("msg", "invalid").removeprefix("Value error, ")
    return f"{loc}: {msg}" if loc else msg


def read_yaml(path: Path) -> object:
    try:
        with path.open("r", encoding="utf-8") as fh:
            return yaml.load(fh, Loader=_Loader)  # noqa: S506 - CSafeLoader/SafeLoader only
    except FileNotFoundError:
        raise CorpusError(f"{path}: file not found") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark else ""
        raise CorpusError(f"{path}:{where} not valid YAML ({getattr(exc, 'problem', exc)})") from None
    except UnicodeDecodeError:
        raise CorpusError(f"{path}: not UTF-8 text") from None


def parse_category(data: object, source: str) -> Category:
    """Build one category from a mapping, naming the file and entry on any failure."""
    if not isinstance(data, dict):
        raise CorpusError(f"{source}: expected a mapping with id, name, domain, levels, controls")
    controls_raw = data.get("controls") or []
    if not isinstance(controls_raw, list):
        raise CorpusError(f"{source}: 'controls' must be a list")
    controls: list[Control] = []
    for i, raw in enumerate(controls_raw):
        entry = raw.get("id", f"#{i + 1}") if isinstance(raw, dict) else f"#{i + 1}"
        if not isinstance(raw, dict):
            raise CorpusError(f"{source}: control {entry}: expected a mapping")
        try:
            controls.append(Control.model_validate(raw))
        except PydanticValidationError as exc:
            raise CorpusError(f"{source}: control {entry}: {_format_pydantic(exc)}") from None
    body = {k: v for k, v in data.items() if k != "controls"}
    if isinstance(body.get("levels"), dict):
        try:
            body["levels"] = {int(str(k).lstrip("Ll")): v for k, v in body["levels"].items()}
        except ValueError:
            raise CorpusError(f"{source}: category {data.get('id', '?')}: level keys must be 1-5 or L1-L5") from None
    try:
        category = Category.model_validate({**body, "controls": []})
    except PydanticValidationError as exc:
        raise CorpusError(f"{source}: category {data.get('id', '?')}: {_format_pydantic(exc)}") from None
    category.controls = controls
    check_category(category, source)
    return category


def check_category(category: Category, source: str) -> None:
    """Rules spanning a category: prefix agreement, no duplicates, 1-3 objectives per level L2-L5."""
    seen: set[str] = set()
    for c in category.controls:
        if c.category != category.id:
            raise CorpusError(f"{source}: control {c.id}: prefix does not match category {category.id}")
        if c.id in seen:
            raise CorpusError(f"{source}: control {c.id}: duplicate control ID")
        seen.add(c.id)
    for level in range(2, 6):
        n = len(category.controls_at(level))
        if not 1 <= n <= 3:
            raise CorpusError(f"{source}: category {category.id}: level {level} has {n} objectives (need 1-3)")
        numbers = sorted(c.number for c in category.controls_at(level))
        if numbers != list(range(1, n + 1)):
            raise CorpusError(
                f"{source}: category {category.id}: level {level} objectives must be numbered 1..{n}, got {numbers}"
            )


def build_corpus(meta: CorpusMeta, categories: list[Category], source: str) -> Corpus:
    ids = [c.id for c in categories]
    dup = {i for i in ids if ids.count(i) > 1}
    if dup:
        raise CorpusError(f"{source}: category {sorted(dup)[0]} defined twice")
    missing = [p for p in CATEGORY_ORDER if p not in ids]
    if missing:
        raise CorpusError(f"{source}: missing categories: {', '.join(missing)}")
    ordered = sorted(categories, key=lambda c: CATEGORY_ORDER.index(c.id))
    corpus = Corpus(meta=meta, categories=ordered)
    corpus.content_hash = corpus_hash(corpus)
    return corpus


def corpus_hash(corpus: Corpus) -> str:
    payload = json.dumps(
        [cat.model_dump(mode="json") for cat in corpus.categories], sort_keys=True, ensure_ascii=False
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]


def load_corpus_dir(directory: Path) -> Corpus:
    directory = Path(directory)
    meta_path = directory / "corpus.yaml"
    if not meta_path.exists():
        raise CorpusError(f"{directory}: no corpus.yaml (is AISMM_CORPUS_DIR right?)")
    meta_raw = read_yaml(meta_path)
    try:
        meta = CorpusMeta.model_validate(meta_raw)
    except PydanticValidationError as exc:
        raise CorpusError(f"{meta_path}: {_format_pydantic(exc)}") from None
    files = sorted((directory / "categories").glob("*.yaml"))
    if not files:
        raise CorpusError(f"{directory / 'categories'}: no category files")
    categories = [parse_category(read_yaml(f), str(f)) for f in files]
    return build_corpus(meta, categories, str(directory))


def _corpus_dir() -> Path:
    from aismm_assistant.settings import get_settings

    return get_settings().corpus_dir


@lru_cache(maxsize=4)
def _load_cached(directory: str, stamp: tuple[tuple[str, float], ...]) -> Corpus:
    return _load_through_disk_cache(Path(directory))


def _load_through_disk_cache(directory: Path) -> Corpus:
    """Parse once per content: later processes unpickle the validated corpus (~1 ms instead of YAML + pydantic).

    The key hashes every YAML file's name and bytes plus the code that parses them, so an edited,
    added or removed file, or a changed model class, is a miss and is parsed again.
    """
    from aismm_assistant import cache
    from aismm_assistant import model as model_module

    h = hashlib.sha256(cache.code_key(__file__, model_module.__file__).encode())
    for f in sorted(directory.rglob("*.yaml")):
        try:
            h.update(str(f.relative_to(directory)).encode() + b"\0" + f.read_bytes() + b"\0")
        except OSError:
            return load_corpus_dir(directory)
    name = f"corpus-{h.hexdigest()[:24]}.pickle"
    hit = cache.read(name)
    if isinstance(hit, Corpus) and hit.content_hash:
        return hit
    corpus = load_corpus_dir(directory)
    cache.write(name, corpus)
    return corpus


def load_corpus(directory: Path | None = None) -> Corpus:
    """The corpus in ``directory`` (default: settings.corpus_dir), cached until a file changes."""
    d = Path(directory) if directory else _corpus_dir()
    stamp = tuple(sorted((str(p), p.stat().st_mtime) for p in d.rglob("*.yaml")))  # added, changed or removed files
    return _load_cached(str(d.resolve()), stamp)


# ---------------------------------------------------------------- IDs and lookups


def normalize_control_id(text: str) -> str | None:
    """'mod-03.1', 'MOD-3.1', 'MOD 03.1', 'mod_3_1' -> 'MOD-03.1'; None if it is not ID-shaped."""
    m = _LOOSE_ID_RE.match(text or "")
    if not m:
        return None
    prefix, level, number = m.group(1).upper(), int(m.group(2)), int(m.group(3))
    return f"{prefix}-0{level}.{number}"


def nearest_ids(corpus: Corpus, text: str, n: int = 3) -> list[str]:
    ids = corpus.control_ids()
    norm = normalize_control_id(text) or text.strip().upper()
    prefix = norm.split("-")[0]
    same_prefix = [i for i in ids if i.startswith(prefix + "-")]
    pool = same_prefix or ids
    close = difflib.get_close_matches(norm, pool, n=n, cutoff=0.0)
    return close[:n]


def get_control(control_id: str, corpus: Corpus | None = None) -> Control:
    """Resolve a loosely written ID or fail naming the nearest real IDs."""
    corpus = corpus or load_corpus()
    norm = normalize_control_id(control_id)
    if norm and (c := corpus.control(norm)):
        return c
    shown = (control_id or "").strip() or "''"
    near = ", ".join(nearest_ids(corpus, control_id or ""))
    raise NotFoundError(f"no control {norm or shown}; nearest: {near}")


def get_category(category_id: str, corpus: Corpus | None = None) -> Category:
    corpus = corpus or load_corpus()
    cat = corpus.category((category_id or "").strip())
    if cat is None:
        raise NotFoundError(f"no category {category_id!r}; known: {', '.join(CATEGORY_ORDER)}")
    return cat


def _norm_ref(text: str) -> str:
    return re.sub(r"[^a-z0-9&.:]+", " ", text.lower()).strip()


def controls_for_aicm(aicm_id: str, corpus: Corpus | None = None) -> list[Control]:
    corpus = corpus or load_corpus()
    key = aicm_id.strip().upper().replace(" ", "")
    m = re.match(r"^([A-Z&]{3})-?0*(\d+)$", key)
    if m:
        key = f"{m.group(1)}-{int(m.group(2)):02d}"
    return [c for c in corpus.controls if key in c.aicm]


def controls_for_reference(ref: str, corpus: Corpus | None = None) -> list[Control]:
    """Objectives whose external references contain ``ref`` (e.g. 'GOVERN 1.1', 'LLM01', '42001 A.6')."""
    corpus = corpus or load_corpus()
    needle = _norm_ref(ref)
    if not needle:
        return []
    pattern = re.compile(r"(?<![a-z0-9.])" + re.escape(needle) + r"(?![0-9])")
    return [c for c in corpus.controls if any(pattern.search(_norm_ref(r)) for r in c.references)]
