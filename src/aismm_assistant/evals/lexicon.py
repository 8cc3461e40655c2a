"""Inventory of the offline engine's hand-written lexicon: regexes, their alternatives, and what each one is for.

For every regex in interview/signals.py, analysis.py and text.py, and every cue of the reviewed table
(interview/lexicon.py), it counts the alternatives (`|` branches, at any
depth) and, on the sentences of the tuning set only (evals/golden/*.yaml answers, never a holdout), measures each
alternative:

- `hits`: sentences the alternative matches in its place in the regex (the other branches of its groups removed);
- `needed`: sentences whose match changes when the alternative is deleted (what the regex loses without it).

Every lookaround is measured too (an exception such as `nothing (?! exposed)`): its `hits` are the sentences whose
match it changes. An alternative (or lookaround) that fires on exactly one tuning sentence is a *one-sentence fit*
(issue 11): it exists for that sentence. One that fires on none is *unused*: written ahead of any evidence. Only the
status-signal regexes (signals.py, analysis.py, applied to answers) are classified; the corpus readers (what an
objective's text or description says) and text.py's reading machinery (sentences, tokens, numbers, durations) are
counted but not classified. Run:
`python -m aismm_assistant.evals.lexicon [evals/golden] [--markdown]`.
"""

from __future__ import annotations

import importlib
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

MODULES = ("signals", "analysis", "text")
# Regexes that read the corpus (objective text, description counter-examples), not the respondent's answers.
CORPUS_READERS = {"signals._EXEMPLAR_VERDICT", "signals._EXEMPLAR_CUT", "signals._EXEMPLAR_SPLIT", "signals._CEILING"}
# The status-signal families of issue 11, and the regexes that implement each today.
FAMILIES = {
    "negation scope": ("_BECAUSE", "_RESULT", "_ENFORCED", "_CONTRAST",
                       "_NOT_YET", "_BARE_REPLY"),
    "plans and pilots": (),  # the table's "intention or trial" cue and the learned reader (readers.py)
    "partial scope": ("_ALL",),  # and the table's "coverage word" cue with the learned reader
    "one-off vs recurring": ("_NOT_CADENCE",),
    "hedges": ("_HEDGE", "_UNSURE", "_DOUBT_CLAUSE", "_VAGUE"),
    "corrections": ("_CORRECTION",),
    "general-IT look-alikes": ("_GENERIC", "_AI_WORDS"),
    "manual vs automated": ("_AUTOMATIC",),  # and the table's "person at work" cue with the learned reader
    "specifics, presence, asides, markup": ("_ARTIFACT", "_PROPER", "_DIGIT", "_PRESENT", "_OFF_TOPIC", "_TAG",
                                            "_CODE_TOKEN", "_PROSE_WORD"),
    "attribution (anaphora)": ("_ANAPHORA",),
}
# Regexes applied to a fragment around another match (the words before "looking at", the noun after "on our ..."):
# counted, but their hits on whole sentences mean nothing.
FRAGMENT_READERS: set[str] = set()
WORD = re.compile(r"[a-z]+", re.I)


@dataclass
class _Group:
    start: int  # first character of the group's content
    end: int = -1  # one past its last character
    splits: list[int] = field(default_factory=list)
    parent: _Group | None = None
    lookaround: bool = False
    negative: bool = False
    opening: int = 0  # length of the group's opening, e.g. 3 for '(?:'

    def spans(self) -> list[tuple[int, int]]:
        edges = [self.start - 1, *self.splits, self.end]
        return [(edges[i] + 1, edges[i + 1]) for i in range(len(edges) - 1)]


def parse_groups(src: str) -> list[_Group]:
    """The groups of a regex source with the positions of their top-level `|` (the root group is the whole)."""
    root = _Group(0, len(src))
    groups = [root]
    stack = [root]
    i = 0
    while i < len(src):
        ch = src[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "[":
            j = i + 1
            if j < len(src) and src[j] == "^":
                j += 1
            if j < len(src) and src[j] == "]":
                j += 1
            while j < len(src) and src[j] != "]":
                j += 2 if src[j] == "\\" else 1
            i = j + 1
            continue
        if ch == "(":
            prefix = re.match(r"\(\?(?:[:=!>]|<[=!]|P<\w+>|[aiLmsux-]+[:)])?|\(", src[i:])
            assert prefix is not None
            text = prefix.group(0)
            g = _Group(i + len(text), parent=stack[-1], lookaround=text in ("(?=", "(?!", "(?<=", "(?<!"),
                       negative=text in ("(?!", "(?<!"), opening=len(text))
            if text.endswith(")"):  # an inline flag group such as (?i)
                i += len(text)
                continue
            groups.append(g)
            stack.append(g)
            i += len(text)
            continue
        if ch == ")":
            stack.pop().end = i
        elif ch == "|":
            stack[-1].splits.append(i)
        i += 1
    return groups


@dataclass
class Alternative:
    regex: str
    text: str
    hits: int
    needed: int
    lookaround: bool

    @property
    def words(self) -> int:
        return len(WORD.findall(re.sub(r"\\[a-zA-Z]", " ", self.text)))

    @property
    def one_sentence_fit(self) -> bool:
        return self.hits == 1

    @property
    def unused(self) -> bool:
        return self.hits == 0


def _only(src: str, group: _Group, span: tuple[int, int]) -> str:
    """The regex with `group` reduced to one alternative, and every enclosing group to the branch holding it."""
    edits = [(group.start, group.end, src[span[0]:span[1]])]
    child, parent = group, group.parent
    while parent is not None:
        for a, b in parent.spans():
            if a <= child.start and child.end <= b:
                edits.append((parent.start, a, ""))
                edits.append((b, parent.end, ""))
        child, parent = parent, parent.parent
    out = src
    for a, b, text in sorted(edits, key=lambda e: -e[0]):
        out = out[:a] + text + out[b:]
    return out


def _prefix_len(src: str, g: _Group) -> int:
    """Length of the group's opening, e.g. 3 for '(?!'."""
    for n in (4, 3, 1):
        if src[g.start - n: g.start] in ("(?<=", "(?<!", "(?=", "(?!", "("):
            return n
    return 0


def _without(src: str, group: _Group, k: int) -> str:
    spans = group.spans()
    a, b = spans[k]
    if k + 1 < len(spans):
        return src[:a] + src[b + 1:]
    return src[: a - 1] + src[b:]


def _compile(src: str, flags: int) -> re.Pattern | None:
    try:
        return re.compile(src, flags)
    except re.error:
        return None


def inventory_pattern(name: str, pattern: re.Pattern, sentences: list[str]) -> tuple[int, list[Alternative]]:
    """(alternatives counted, measured alternatives) for one compiled regex."""
    src, flags = pattern.pattern, pattern.flags
    groups = parse_groups(src)
    count = 1 + sum(len(g.splits) for g in groups)
    matched = [s for s in sentences if pattern.search(s)]
    unmatched = [s for s in sentences if not pattern.search(s)] if any(g.negative for g in groups) else []
    out: list[Alternative] = []
    for g in groups:
        if g.lookaround:
            bare = _compile(src[: g.start - _prefix_len(src, g)] + src[g.end + 1:], flags)
            if bare is not None:
                changed = sum(1 for s in sentences if bool(bare.search(s)) != bool(pattern.search(s)))
                text = src[g.start - _prefix_len(src, g): g.end + 1]
                out.append(Alternative(name, text, changed, changed, True))
        if not g.splits:
            continue
        inside_negative = False
        p = g
        while p is not None:
            inside_negative = inside_negative or p.negative
            p = p.parent
        for k, span in enumerate(g.spans()):
            text = src[span[0]:span[1]]
            only = _compile(_only(src, g, span), flags)
            hits = sum(1 for s in matched if only and only.search(s)) if not inside_negative else 0
            without = _compile(_without(src, g, k), flags)
            if without is None:
                needed = 0
            elif inside_negative:
                needed = sum(1 for s in unmatched if without.search(s))
            else:
                needed = sum(1 for s in matched if not without.search(s))
            if inside_negative:
                hits = needed
            out.append(Alternative(name, text, hits, needed, inside_negative or g.lookaround))
    return count, out


def _spans_of(pattern: re.Pattern, sentences: list[str]) -> list[list[tuple[int, int]]]:
    return [[m.span() for m in pattern.finditer(s)] for s in sentences]


def _first(pattern: re.Pattern, sentence: str) -> tuple[int, int] | None:
    m = pattern.search(sentence)
    return m.span() if m else None


def prune_pattern(pattern: re.Pattern, sentences: list[str], drop: int = 0) -> re.Pattern:
    """`pattern` without the alternatives and lookarounds that fire on at most `drop` of `sentences`, or repeat.

    With `drop=0` every match on `sentences` keeps its exact span (checked; the pattern is returned unchanged
    when a removal would move one): an alternative that no sentence matches through, or a lookaround that
    changes no match, carries no evidence. With `drop=1` one-sentence fits go too, and matches may change:
    measure the engine afterwards. A group is never emptied.
    """
    src, flags = pattern.pattern, pattern.flags
    groups = parse_groups(src)
    matched = [s for s in sentences if pattern.search(s)]
    first = [_first(pattern, s) for s in sentences]
    children: dict[int, list[_Group]] = {}
    for g in groups[1:]:
        children.setdefault(id(g.parent), []).append(g)

    def inside_negative(g: _Group | None) -> bool:
        while g is not None:
            if g.negative:
                return True
            g = g.parent
        return False

    drop_group: set[int] = set()
    drop_span: dict[int, set[int]] = {}
    for g in groups:
        if g.lookaround:
            bare = _compile(src[: g.start - g.opening] + src[g.end + 1:], flags)
            if bare is not None and sum(1 for s, before in zip(sentences, first, strict=True) if _first(bare, s) != before) <= drop:
                drop_group.add(id(g))
                continue
        if not g.splits:
            continue
        negative = inside_negative(g)
        gone = set()
        for k, span in enumerate(g.spans()):
            if negative:  # an exception: what changes, anywhere, when it goes
                without = _compile(_without(src, g, k), flags)
                fires = len(sentences) if without is None else sum(
                    1 for s, before in zip(sentences, first, strict=True) if _first(without, s) != before)
            else:
                only = _compile(_only(src, g, span), flags)
                fires = sum(1 for s in matched if only is not None and only.search(s))
            if fires <= drop:
                gone.add(k)
        if gone and len(gone) < len(g.spans()):
            drop_span[id(g)] = gone

    def rebuild(a: int, b: int, kids: list[_Group]) -> str:
        out, pos = [], a
        for c in kids:
            if c.start < a or c.end > b:
                continue
            out.append(src[pos: c.start - c.opening])
            if id(c) not in drop_group:
                out.append(src[c.start - c.opening: c.start] + content(c) + ")")
            pos = c.end + 1
        out.append(src[pos:b])
        return "".join(out)

    def content(g: _Group) -> str:
        kids = children.get(id(g), [])
        gone = drop_span.get(id(g), set())
        kept: list[str] = []
        for k, (a, b) in enumerate(g.spans()):
            text = rebuild(a, b, kids)
            if k not in gone and text not in kept:  # a repeated alternative never matches where the first did not
                kept.append(text)
        return "|".join(kept)

    root = groups[0]
    pruned = _compile(content(root), flags)
    if pruned is None:
        return pattern
    if drop == 0 and _spans_of(pruned, sentences) != _spans_of(pattern, sentences):
        return pattern
    return pruned


def as_python(source: str, indent: int = 4, width: int = 116) -> str:
    """A regex source as concatenated raw-string lines, broken after top-level-looking `|`."""
    pieces, start = [], 0
    for i, ch in enumerate(source):
        if ch == "|" and (i == 0 or source[i - 1] != "\\") and i + 1 - start >= width - indent - 10:
            pieces.append(source[start: i + 1])
            start = i + 1
    pieces.append(source[start:])
    lines = []
    for p in pieces:
        if p.endswith("\\") or ('"' in p and "'" in p):
            lines.append(repr(p))
        elif '"' in p:
            lines.append("r'" + p + "'")
        else:
            lines.append('r"' + p + '"')
    return ("\n" + " " * indent).join(lines)


def tuning_sentences(golden: Path) -> list[str]:
    from aismm_assistant.evals.golden import load_golden
    from aismm_assistant.evals.training import tuning_paths
    from aismm_assistant.interview.text import sentences

    out: list[str] = []
    for f in tuning_paths(golden):
        for case in load_golden(f).categories.values():
            for t in case.turns:
                out += [s.text for s in sentences(t.answer)]
    return out


def family(regex: str) -> str:
    short = regex.split(".", 1)[1]
    if regex.startswith("text."):
        return "reading (sentences, tokens, numbers, durations)"
    if regex.startswith("polarity."):
        return "negation scope"
    if regex in CORPUS_READERS:
        return "corpus readers (objective numbers, description counter-examples)"
    return next((f for f, names in FAMILIES.items() if short in names), "other")


def role(regex: str) -> str:
    if regex in CORPUS_READERS:
        return "corpus"
    if regex in FRAGMENT_READERS:
        return "fragment"
    return "reading" if regex.startswith("text.") else "signal"


def inventory(golden: Path) -> dict:
    from aismm_assistant.interview.text import expand_contractions

    raw = tuning_sentences(golden)
    expanded = [expand_contractions(x) for x in raw]  # what signals.detect and the reviewed table read
    rows = []
    fits: list[Alternative] = []
    for mod_name in MODULES:
        mod = importlib.import_module(f"aismm_assistant.interview.{mod_name}")
        sents = expanded if mod_name in ("signals", "polarity") else raw
        for name, value in vars(mod).items():
            if not isinstance(value, re.Pattern):
                continue
            regex = f"{mod_name}.{name}"
            count, alts = inventory_pattern(regex, value, sents)
            row = {"regex": regex, "role": role(regex), "family": family(regex), "alternatives": count, "measured": len(alts),
                   "matched": sum(1 for x in sents if value.search(x)),
                   "lookarounds": sum(1 for a in alts if a.lookaround and a.text.startswith("(?")),
                   "unused": None, "one_sentence_fits": None}
            if row["role"] == "signal":
                row["unused"] = sum(1 for a in alts if a.unused)
                mod_fits = [a for a in alts if a.one_sentence_fit]
                row["one_sentence_fits"] = len(mod_fits)
                fits += mod_fits
            rows.append(row)
    from aismm_assistant.interview import lexicon

    sents = expanded
    for cue in lexicon.CUES:  # the reviewed table: every cue is a signal regex of its family
        regex = f"lexicon.{cue.name}"
        count, alts = inventory_pattern(regex, cue.regex, sents)
        mod_fits = [a for a in alts if a.one_sentence_fit]
        fits += mod_fits
        rows.append({"regex": regex, "role": "signal", "family": cue.family, "alternatives": count,
                     "measured": len(alts), "matched": sum(1 for x in sents if cue.regex.search(x)),
                     "lookarounds": sum(1 for a in alts if a.lookaround and a.text.startswith("(?")),
                     "unused": sum(1 for a in alts if a.unused), "one_sentence_fits": len(mod_fits)})
    from aismm_assistant.interview import polarity

    for name, rx in polarity._STRUCTURE:  # the polarity reader's structural features: counted as negation scope
        regex = f"polarity.{name}"
        count, alts = inventory_pattern(regex, rx, sents)
        rows.append({"regex": regex, "role": "signal", "family": "negation scope", "alternatives": count,
                     "measured": len(alts), "matched": sum(1 for x in sents if rx.search(x)),
                     "lookarounds": 0, "unused": sum(1 for a in alts if a.unused), "one_sentence_fits": 0})
    signal_rows = [r for r in rows if r["role"] == "signal"]
    return {"sentences": len(raw), "regexes": rows, "fits": fits,
            "total_alternatives": sum(r["alternatives"] for r in rows),
            "signal_regexes": len(signal_rows),
            "signal_alternatives": sum(r["alternatives"] for r in signal_rows),
            "signal_unused": sum(r["unused"] for r in signal_rows),
            "signal_fits": len(fits)}


def _cell(v: object) -> str:
    return "-" if v is None else str(v)


def markdown(result: dict) -> str:
    lines = [f"Tuning-set sentences read: {result['sentences']}. All regexes: {len(result['regexes'])}, "
             f"{result['total_alternatives']} alternatives. Status signals (signals.py, analysis.py): "
             f"{result['signal_regexes']} regexes, {result['signal_alternatives']} alternatives; measured items "
             f"(alternatives at every depth and lookarounds) unused on the tuning set: {result['signal_unused']}; "
             f"one-sentence fits: {result['signal_fits']}.", "",
             "| regex | role | tuning sentences matched | alternatives | lookarounds | unused items | "
             "one-sentence fits |", "|---|---|---|---|---|---|---|"]
    for r in sorted(result["regexes"], key=lambda r: (r["role"] != "signal", -r["alternatives"])):
        lines.append(f"| `{r['regex']}` | {r['role']} | {r['matched']} | {r['alternatives']} | {r['lookarounds']} | "
                     f"{_cell(r['unused'])} | {_cell(r['one_sentence_fits'])} |")
    fams: dict[str, dict[str, int]] = {}
    for r in result["regexes"]:
        f = fams.setdefault(r["family"], {"regexes": 0, "alternatives": 0, "fits": 0, "thin": 0})
        f["regexes"] += 1
        f["alternatives"] += r["alternatives"]
        f["fits"] += r["one_sentence_fits"] or 0
        f["thin"] += 1 if r["role"] == "signal" and r["matched"] <= 2 else 0
    lines += ["", "| family | regexes | alternatives | one-sentence fits | regexes matching at most 2 tuning sentences |",
              "|---|---|---|---|---|"]
    for name, f in fams.items():
        lines.append(f"| {name} | {f['regexes']} | {f['alternatives']} | {f['fits']} | {f['thin']} |")
    lines += ["", "| regex | one-sentence fit (alternative or lookaround) | sentences it matches | needed by |",
              "|---|---|---|---|"]
    for a in result["fits"]:
        text = a.text.replace("|", "\\|").replace("`", "'")
        lines.append(f"| `{a.regex}` | `{text}` | {a.hits} | {a.needed} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    golden = Path(next((a for a in args if not a.startswith("--")), "evals/golden"))
    result = inventory(golden)
    if "--markdown" in args:
        print(markdown(result))
        return 0
    print(f"{result['sentences']} tuning sentences; {len(result['regexes'])} regexes; "
          f"{result['total_alternatives']} alternatives; status signals: {result['signal_regexes']} regexes, "
          f"{result['signal_alternatives']} alternatives, {result['signal_unused']} unused items, "
          f"{result['signal_fits']} one-sentence fits")
    for r in sorted(result["regexes"], key=lambda r: (r["role"] != "signal", -r["alternatives"])):
        print(f"{r['regex']:36} {r['role']:8} {r['alternatives']:5} alternatives, {_cell(r['unused']):>4} unused, "
              f"{_cell(r['one_sentence_fits']):>4} one-sentence fits")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
