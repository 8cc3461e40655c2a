"""Cloud organisation policies that restrict AI services: AWS SCPs, Azure Policy assignments, GCP org policies.

Accepted shapes (as the provider's API or CLI returns them):

- AWS: an SCP document (``{"Version", "Statement": [...]}``) or ``aws organizations
  describe-policy`` output (``{"Policy": {"PolicySummary": {"Type": "SERVICE_CONTROL_POLICY"},
  "Content": "<policy JSON>"}}``).
- Azure: a policy assignment (ARM ``{"properties": {"policyDefinitionId", "scope", "notScopes",
  "parameters", "enforcementMode"}}`` or the flat ``az policy assignment`` form), a list of them,
  or ``{"value": [...]}``.
- GCP: an organisation policy (v2 ``{"name": ".../policies/CONSTRAINT", "spec": {"rules": [...]}}``
  or v1 ``{"constraint": "constraints/...", "listPolicy": {...}}``), or a list of them.

The AI services each cloud offers are listed in ``AI_SERVICES`` (data); coverage counts how many of
them the policy denies or restricts.
"""

from __future__ import annotations

import json
import re
from typing import Any

from aismm_assistant.errors import ValidationError
from aismm_assistant.evidence.connectors.base import Coverage, Finding, Source, to_proposal
from aismm_assistant.model import Corpus

NAME = "cloud_policy"
TITLE = "Cloud organisation policies: AWS SCP, Azure Policy assignment, GCP organisation policy"
# Objectives chosen by reading corpus/categories/{ORG,INF,MOD}.yaml.
CRITERIA: dict[str, str] = {
    "ORG-02.1": "organisation-level policies deny managed AI services outside an allow-list "
                "(AWS Deny on bedrock/sagemaker/Q actions with account or OU exceptions; Azure 'not allowed "
                "resource types' on Cognitive Services / Machine Learning at management-group scope with "
                "notScopes; GCP gcp.restrictServiceUsage denying aiplatform / generativelanguage / discoveryengine)",
    "INF-02.3": "AI endpoints restricted to approved networks (AWS Deny on AI actions unless aws:SourceVpce / "
                "aws:SourceVpc / aws:SourceIp; Azure assignments requiring network restriction or disabled public "
                "access on AI resources)",
    "MOD-04.1": "cloud policies that permit only listed model IDs (AWS Deny bedrock:InvokeModel with NotResource on "
                "foundation-model ARNs; GCP constraints/vertexai.allowedModels)",
}
AI_SERVICES: dict[str, dict[str, str]] = {
    "aws": {"bedrock": "Amazon Bedrock", "sagemaker": "Amazon SageMaker", "q": "Amazon Q Developer",
            "qbusiness": "Amazon Q Business"},
    "azure": {"microsoft.cognitiveservices/accounts": "Azure OpenAI and Azure AI services",
              "microsoft.machinelearningservices/workspaces": "Azure Machine Learning and AI Foundry hubs"},
    "gcp": {"aiplatform.googleapis.com": "Vertex AI", "generativelanguage.googleapis.com": "Gemini API",
            "discoveryengine.googleapis.com": "Vertex AI Search and Agent Builder"},
}
NETWORK_CONDITION_KEYS = ("aws:sourcevpce", "aws:sourcevpc", "aws:sourceip", "aws:vpcsourceip")
AZURE_NOT_ALLOWED_TYPES = "6c112d4e-5bc7-47ae-a041-ea2d9dccd749"
AZURE_ALLOWED_TYPES = "a08ec900-254a-4555-9bf5-e42af04b5c5c"


# ------------------------------------------------------------------ detection

def _aws_doc(data: Any) -> dict | None:
    if isinstance(data, dict) and isinstance(data.get("Policy"), dict):
        summary = data["Policy"].get("PolicySummary") or {}
        if summary.get("Type") not in (None, "SERVICE_CONTROL_POLICY"):
            return None
        content = data["Policy"].get("Content")
        try:
            data = json.loads(content) if isinstance(content, str) else content
        except json.JSONDecodeError:
            return None
    if isinstance(data, dict) and "Statement" in data and "Version" in data:
        return data
    return None


def _azure_items(data: Any) -> list[dict] | None:
    items = data.get("value") if isinstance(data, dict) and "value" in data else data
    items = items if isinstance(items, list) else [items]
    out = []
    for it in items:
        if not isinstance(it, dict):
            return None
        props = it.get("properties") if isinstance(it.get("properties"), dict) else it
        if "policyDefinitionId" not in props:
            return None
        out.append({**props, "name": it.get("name"), "id": it.get("id")})
    return out or None


def _gcp_items(data: Any) -> list[dict] | None:
    items = data if isinstance(data, list) else [data]
    out = []
    for it in items:
        if not isinstance(it, dict):
            return None
        if isinstance(it.get("spec"), dict) and "/policies/" in str(it.get("name", "")):
            out.append(it)
        elif str(it.get("constraint", "")).startswith("constraints/"):
            out.append(it)
        else:
            return None
    return out or None


def _cloud(data: Any) -> str | None:
    if _aws_doc(data):
        return "aws"
    if _azure_items(data):
        return "azure"
    if _gcp_items(data):
        return "gcp"
    return None


def detect(data: Any) -> bool:
    return _cloud(data) is not None


# ------------------------------------------------------------------ AWS

def _as_list(v: Any) -> list:
    return v if isinstance(v, list) else [] if v is None else [v]


def _action_matches(action: str, prefix: str) -> bool:
    a = action.lower()
    return a == "*" or a.split(":", 1)[0] == prefix


def _aws(src: Source, corpus: Corpus) -> list[Finding]:
    doc = _aws_doc(src.data) or {}
    services = AI_SERVICES["aws"]
    denied: dict[str, list[dict]] = {}
    network: dict[str, list[dict]] = {}
    allow_listed_models: list[dict] = []
    for st in _as_list(doc.get("Statement")):
        if not isinstance(st, dict) or st.get("Effect") != "Deny":
            continue
        actions = [str(a) for a in _as_list(st.get("Action"))]
        cond_keys = {k.lower() for op in (st.get("Condition") or {}).values() if isinstance(op, dict) for k in op}
        for prefix in services:
            if any(_action_matches(a, prefix) for a in actions):
                target = network if cond_keys & set(NETWORK_CONDITION_KEYS) else denied
                target.setdefault(prefix, []).append(st)
        if st.get("NotResource") and any(a.lower().startswith("bedrock:invoke") or a.lower() == "bedrock:*"
                                         for a in actions):
            allow_listed_models.append(st)
    if not denied and not network and not allow_listed_models:
        raise ValidationError(f"{src.name}: this SCP has no Deny statement on an AI service "
                              f"({', '.join(p + ':*' for p in services)})")

    def cites(stmts: list[dict]) -> list[dict[str, str]]:
        out = []
        for st in stmts:
            if st.get("Sid"):
                out.append(src.quote_pair("Sid", st["Sid"]))
            for a in _as_list(st.get("Action"))[:3]:
                out.append(src.quote_value(a))
        return [c for c in out if c][:8]

    out = []
    in_policy = set(denied) | set(network)
    out.append(Finding(
        "ORG-02.1", Coverage(len(denied), len(services), "managed AI services are denied by the SCP"),
        citations=cites([s for v in denied.values() for s in v]) or cites([s for v in network.values() for s in v]),
        not_shown=["that the SCP is attached at the organisation root or to every OU",
                   "a named owner of the allow-list and an approved use case for each entry"]))
    if network or in_policy:
        out.append(Finding(
            "INF-02.3", Coverage(len(network), len(in_policy) or len(services),
                                 "AI services named in the SCP are limited to approved networks"),
            citations=cites([s for v in network.values() for s in v]) or cites([s for v in denied.values() for s in v]),
            not_shown=["the network setting recorded per resource"]))
    if allow_listed_models:
        models = [str(r) for st in allow_listed_models for r in _as_list(st.get("NotResource"))]
        out.append(Finding(
            "MOD-04.1", Coverage(1, 1, "SCPs limit Bedrock invocation to listed models"),
            citations=cites(allow_listed_models) + [c for c in (src.quote_value(m) for m in models[:3]) if c],
            not_shown=["the share of production AI traffic covered (other clouds, provider APIs)",
                       "exceptions expiring within 90 days", "that the listed models match the approved registry"]))
    return out


# ------------------------------------------------------------------ Azure

_AI_WORDS = re.compile(r"\b(ai|openai|cognitive|machine learning|foundry)\b", re.I)
_NET_WORDS = re.compile(r"network|private (?:link|endpoint)|public access", re.I)


def _param(a: dict, key: str) -> Any:
    value = (a.get("parameters") or {}).get(key)
    return value.get("value") if isinstance(value, dict) else value


def _azure(src: Source, corpus: Corpus) -> list[Finding]:
    items = _azure_items(src.data) or []
    services = AI_SERVICES["azure"]
    denied: dict[str, dict] = {}
    network: dict[str, dict] = {}
    weak: list[str] = []  # restrictions of resource types that are not enforced
    weak_net: list[str] = []  # network rules that only audit or are not enforced
    for a in items:
        definition = str(a.get("policyDefinitionId", "")).lower()
        enforced = str(a.get("enforcementMode", "Default")) != "DoNotEnforce"
        name = str(a.get("displayName") or a.get("name") or definition)
        if definition.endswith((AZURE_NOT_ALLOWED_TYPES, AZURE_ALLOWED_TYPES)):
            if definition.endswith(AZURE_NOT_ALLOWED_TYPES):
                types = {str(t).lower() for t in _as_list(_param(a, "listOfResourceTypesNotAllowed"))}
                hit = [t for t in services if t in types]
            else:
                allowed = {str(t).lower() for t in _as_list(_param(a, "listOfResourceTypesAllowed"))}
                hit = [t for t in services if t not in allowed]
            if hit and not enforced:
                weak.append(f"{name} (DoNotEnforce)")
            for t in hit if enforced else []:
                denied[t] = a
        elif _NET_WORDS.search(name) and _AI_WORDS.search(name):
            effect = str(_param(a, "effect") or "Deny")
            hit = [t for t in services if ("machine learning" in name.lower()) == ("machinelearning" in t)]
            if effect.lower() != "deny" or not enforced:
                weak_net.append(f"{name} ({effect if enforced else 'DoNotEnforce'})")
                continue
            for t in hit:
                network[t] = a
    if not denied and not network and not weak and not weak_net:
        raise ValidationError(f"{src.name}: no policy assignment here restricts an AI resource type "
                              f"({', '.join(services)})")

    def cites(assignments: list[dict]) -> list[dict[str, str]]:
        out = []
        for a in assignments:
            out += [src.quote_pair("displayName", a.get("displayName")), src.quote_pair("scope", a.get("scope"))]
        for t in services:
            out.append(src.cite(next((m.group(0) for m in re.finditer(re.escape(t), src.text.text, re.I)), "\0")))
        return [c for c in out if c][:8]

    mg = [a for a in denied.values() if "managementgroups" in str(a.get("scope", "")).lower()]
    findings = [Finding(
        "ORG-02.1", Coverage(len(denied), len(services), "AI resource types are denied by the assignments"),
        citations=cites(list({id(a): a for a in denied.values()}.values()) or items[:2]),
        shortfalls=(["assigned below management-group level"] if denied and not mg else [])
        + ([f"not enforced: {', '.join(weak[:3])}"] if weak else []),
        not_shown=["a named owner of the allow-list (notScopes) and an approved use case for each entry"])]
    if network or weak_net:
        findings.append(Finding(
            "INF-02.3", Coverage(len(network), len(services), "AI resource types must restrict network access"),
            citations=cites(list({id(a): a for a in network.values()}.values()) or items[:2]),
            shortfalls=[f"audit only or not enforced: {', '.join(weak_net[:3])}"] if weak_net else [],
            not_shown=["the network setting recorded per resource"]))
    return findings


# ------------------------------------------------------------------ GCP

def _gcp_rules(p: dict) -> tuple[str, list[dict]]:
    if "spec" in p:
        constraint = str(p.get("name", "")).rsplit("/policies/", 1)[-1]
        return constraint, [r for r in (p["spec"].get("rules") or []) if isinstance(r, dict)]
    constraint = str(p.get("constraint", "")).removeprefix("constraints/")
    lp = p.get("listPolicy") or {}
    rule = {"values": {"allowedValues": lp.get("allowedValues") or [], "deniedValues": lp.get("deniedValues") or []}}
    if lp.get("allValues") == "DENY":
        rule = {"denyAll": True}
    return constraint, [rule]


def _gcp(src: Source, corpus: Corpus) -> list[Finding]:
    services = AI_SERVICES["gcp"]
    denied: dict[str, dict] = {}
    exceptions: list[dict] = []
    models: list[dict] = []
    for p in _gcp_items(src.data) or []:
        constraint, rules = _gcp_rules(p)
        parent = str(p.get("name", "")).split("/policies/")[0]
        if constraint == "gcp.restrictServiceUsage":
            for r in rules:
                vals = r.get("values") or {}
                for svc in services:
                    if svc in (vals.get("deniedValues") or []) or r.get("denyAll"):
                        if not parent or parent.startswith(("organizations/", "folders/")):
                            denied[svc] = p
                    if svc in (vals.get("allowedValues") or []) and parent.startswith("projects/"):
                        exceptions.append(p)
        elif constraint == "vertexai.allowedModels":
            models.append(p)
    if not denied and not models:
        raise ValidationError(f"{src.name}: no organisation policy here restricts an AI service "
                              f"(gcp.restrictServiceUsage on {', '.join(services)}, or vertexai.allowedModels)")

    def cites(policies: list[dict], values: list[str]) -> list[dict[str, str]]:
        out = [src.quote_pair("name", p.get("name")) for p in policies if p.get("name")]
        out += [src.quote_pair("constraint", p.get("constraint")) for p in policies if p.get("constraint")]
        out += [src.quote_value(v) for v in values]
        return [c for c in out if c][:8]

    out = [Finding(
        "ORG-02.1", Coverage(len(denied), len(services), "AI service APIs are denied by organisation policy"),
        citations=cites(list({id(p): p for p in denied.values()}.values()), list(denied)),
        not_shown=["a named owner of the allow-list and an approved use case for each project exception"]
        + ([] if exceptions else ["the project-level exceptions (export them too)"]))]
    if models:
        out.append(Finding(
            "MOD-04.1", Coverage(1, 1, "organisation policies limit Vertex AI to listed models"),
            citations=cites(models, []),
            not_shown=["the share of production AI traffic covered (other clouds, provider APIs)",
                       "exceptions expiring within 90 days"]))
    return out


def propose(doc: Source, corpus: Corpus) -> list[dict[str, Any]]:
    cloud = _cloud(doc.data)
    handler = {"aws": _aws, "azure": _azure, "gcp": _gcp}[cloud or ""]
    return [to_proposal(f, corpus, f"connector:cloud-policy-{cloud}") for f in handler(doc, corpus)
            if corpus.control(f.control_id)]
