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

from pydantic import ValidationError as PydanticValidationError

from aismm_assistant.errors import CorpusError, NotFoundError
from aismm_assistant.model import (
    CATEGORY_ORDER,
    AuthoredCriterion,
    Category,
    Control,
    Corpus,
    CorpusMeta,
)


def read_yaml(path: Path) -> object:
    """yamlio.read_yaml, imported on first use: a lookup served from the cache never loads PyYAML."""
    from aismm_assistant.yamlio import read_yaml as read

    return read(path)


_LOOSE_ID_RE = re.compile(r"^\s*([A-Za-z]{2,3})\s*[-_ ]?\s*0*(\d)\s*[.\-_ ]\s*(\d+)\s*$")


def _format_pydantic(err: PydanticValidationError) -> str:
    first = err.errors()[0]
    loc = ".".join(str(p) for p in first.get("loc", ()) if p != "__root__")
    msg = first.get("msg", "invalid").removeprefix("Value error, ")
    return f"{loc}: {msg}" if loc else msg


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
    """Hash of the categories, objectives, crosswalks and prerequisites.

    Criteria derive from the objective text and stay out of it; a corpus without crosswalks or
    prerequisites keeps its former hash.
    """
    content: list = [
        cat.model_dump(mode="json", exclude={"controls": {"__all__": {"criteria"}}}) for cat in corpus.categories
    ]
    if corpus.crosswalks or corpus.prerequisites:
        content.append({
            "crosswalks": {fw: [[m.control_id, m.ref, m.relation] for m in cw.mappings]
                           for fw, cw in sorted(corpus.crosswalks.items())},
            "prerequisites": [p.model_dump(mode="json") for p in corpus.prerequisites],
        })
    payload = json.dumps(content, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]


def corpus_provenance(corpus: Corpus | None = None) -> dict:
    """What every surface states about the text it serves: which corpus, and whether it is CSA's own.

    ``official`` is true only for a corpus imported from the official files (``import-xlsx``).
    """
    corpus = corpus or load_corpus()
    meta = corpus.meta
    official = meta.official if meta.official is not None else (not meta.representative and meta.version == "imported")
    return {"name": meta.name, "version": meta.version, "hash": corpus.content_hash, "official": bool(official)}


def provenance_footer(corpus: Corpus | None = None) -> str:
    """One line for text output under anything quoted from the corpus."""
    p = corpus_provenance(corpus)
    kind = "official CSA text (imported)" if p["official"] else "representative text, not the official CSA wording"
    return f"corpus: {p['name']} v{p['version']} [{p['hash']}] - {kind}"


def _attach_criteria_file(categories: list[Category], directory: Path) -> None:
    """Point every control at the folder's criteria.yaml, read on first use (a lookup never pays for it).

    Also called on a corpus unpickled from the disk cache: the reference is process state, not data,
    so without this a cached corpus would silently lose its authored criteria.
    """
    criteria_path = Path(directory) / CRITERIA_FILE
    if criteria_path.exists():
        source = AuthoredCriteriaFile(criteria_path, {c.id for cat in categories for c in cat.controls})
        for cat in categories:
            for control in cat.controls:
                control._criteria_file = source


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
    _attach_criteria_file(categories, directory)
    corpus = build_corpus(meta, categories, str(directory))
    cw_dir, deps = directory / "crosswalks", directory / "dependencies.yaml"
    if cw_dir.is_dir() or deps.exists():
        from aismm_assistant.crosswalk import load_crosswalks
        from aismm_assistant.prerequisites import load_prerequisites

        corpus.crosswalks = load_crosswalks(cw_dir, corpus) if cw_dir.is_dir() else {}
        corpus.prerequisites = load_prerequisites(deps) if deps.exists() else []
        aicm = corpus.crosswalks.get("aicm")
        if aicm is not None and meta.aicm_version and aicm.version != meta.aicm_version:
            raise CorpusError(f"{cw_dir / 'aicm.yaml'}: AICM version {aicm.version} but corpus.yaml pins {meta.aicm_version}")
        corpus.content_hash = corpus_hash(corpus)
    return corpus


CRITERIA_FILE = "criteria.yaml"


def load_authored_criteria(corpus: Corpus, directory: Path | None = None) -> dict[str, list[AuthoredCriterion]]:
    """The corpus folder's criteria.yaml (empty when absent), checked against the corpus' control IDs."""
    d = Path(directory) if directory else _corpus_dir()
    path = d / CRITERIA_FILE
    return read_criteria_file(path, set(corpus.control_ids())) if path.exists() else {}


def read_criteria_file(path: Path, known_ids: set[str]) -> dict[str, list[AuthoredCriterion]]:
    """Hand-written criteria, ``{CONTROL_ID: [{text, measure}]}``; fail naming the entry on any problem."""
    data = read_yaml(path)
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise CorpusError(f"{path}: expected a mapping of control IDs to lists of criteria")
    out: dict[str, list[AuthoredCriterion]] = {}
    for cid, items in data.items():
        if str(cid) not in known_ids:
            raise CorpusError(f"{path}: {cid}: no such control in the corpus")
        if not isinstance(items, list) or not 1 <= len(items) <= 4:
            raise CorpusError(f"{path}: {cid}: expected a list of 1-4 criteria")
        parsed = []
        for i, item in enumerate(items):
            try:
                parsed.append(AuthoredCriterion.model_validate(item))
            except PydanticValidationError as exc:
                raise CorpusError(f"{path}: {cid} criterion {i + 1}: {_format_pydantic(exc)}") from None
        out[str(cid)] = parsed
    return out


class AuthoredCriteriaFile:
    """A corpus folder's criteria.yaml, read and validated on first use, re-read when it changes."""

    def __init__(self, path: Path, known_ids: set[str]) -> None:
        self.path = path
        self.known_ids = known_ids
        self._stamp: float | None = None
        self._data: dict[str, list[AuthoredCriterion]] = {}

    def key(self) -> str:
        return f"{self.path}:{self._stamp}"

    def load(self) -> dict[str, list[AuthoredCriterion]]:
        stamp = self.path.stat().st_mtime if self.path.exists() else None
        if stamp != self._stamp or (stamp is not None and not self._data):
            self._data = read_criteria_file(self.path, self.known_ids) if stamp is not None else {}
            self._stamp = stamp
        return self._data

    def get(self, control_id: str) -> list[AuthoredCriterion] | None:
        return self.load().get(control_id)


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
        _attach_criteria_file(hit.categories, directory)
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


def normalize_aicm_id(aicm_id: str) -> str:
    key = (aicm_id or "").strip().upper().replace(" ", "")
    m = re.match(r"^([A-Z&]{3})-?0*(\d+)$", key)
    return f"{m.group(1)}-{int(m.group(2)):02d}" if m else key


def is_aicm_control(aicm_id: str, corpus: Corpus | None = None) -> bool | None:
    """Whether the ID is in the corpus's AICM ID list (None when the corpus ships no list)."""
    corpus = corpus or load_corpus()
    cw = corpus.crosswalks.get("aicm")
    return None if cw is None else cw.is_valid(normalize_aicm_id(aicm_id))


def controls_for_aicm(aicm_id: str, corpus: Corpus | None = None) -> list[Control]:
    corpus = corpus or load_corpus()
    key = normalize_aicm_id(aicm_id)
    return [c for c in corpus.controls if key in c.aicm]


def controls_for_reference(ref: str, corpus: Corpus | None = None) -> list[Control]:
    """Objectives whose external references contain ``ref`` (e.g. 'GOVERN 1.1', 'LLM01', '42001 A.6')."""
    corpus = corpus or load_corpus()
    needle = _norm_ref(ref)
    if not needle:
        return []
    pattern = re.compile(r"(?<![a-z0-9.])" + re.escape(needle) + r"(?![0-9])")
    return [c for c in corpus.controls if any(pattern.search(_norm_ref(r)) for r in c.references)]
