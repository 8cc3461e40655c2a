"""Identity-provider exports: Okta applications, Microsoft Entra service principals and conditional access.

Accepted shapes (each as returned by the provider's API and saved to a file):

- Okta ``GET /api/v1/apps``: a JSON array of applications (``label``, ``name``, ``status``,
  ``signOnMode``, ``features``).
- Microsoft Graph ``GET /v1.0/servicePrincipals``: ``{"value": [{"appId", "displayName",
  "accountEnabled", "preferredSingleSignOnMode", ...}]}``.
- Microsoft Graph ``GET /v1.0/identity/conditionalAccess/policies``: ``{"value": [{"displayName",
  "state", "conditions": {"applications": {"includeApplications", "excludeApplications"}},
  "grantControls": {"builtInControls", "authenticationStrength"}}]}``.
- Both Graph responses in one file: ``{"servicePrincipals": {...}, "conditionalAccessPolicies": {...}}``.

Which applications are AI services is decided by the names in ``AI_SERVICE_NAMES`` (data, not
rules): an application counts when its label or display name contains one of them.
"""

from __future__ import annotations

from typing import Any

from aismm_assistant.errors import ValidationError
from aismm_assistant.evidence.connectors.base import Coverage, Finding, Source, to_proposal
from aismm_assistant.model import Corpus

NAME = "idp"
TITLE = "Identity provider: Okta apps, Entra service principals and conditional-access policies"
# Objectives chosen by reading corpus/categories/IAM.yaml.
CRITERIA: dict[str, str] = {
    "IAM-02.1": "sanctioned AI services authenticate through the corporate IdP (SAML / OIDC federation) "
                "and, with conditional-access policies, require MFA",
    "IAM-03.3": "Okta only: AI SaaS accounts are provisioned and deprovisioned from the IdP "
                "(PUSH_NEW_USERS and PUSH_USER_DEACTIVATION features)",
}
AI_SERVICE_NAMES: tuple[str, ...] = (
    "chatgpt", "openai", "anthropic", "claude", "copilot", "gemini", "cursor", "hugging face", "huggingface",
    "perplexity", "midjourney", "jasper", "glean", "mistral", "cohere", "bedrock", "vertex ai", "sagemaker",
    "azure ai", "ai foundry", "notion ai", "otter.ai", "writer.com", "codeium", "windsurf", "tabnine",
    "replit", "deepl", "grammarly", "synthesia", "runway", "elevenlabs", "weights & biases", "databricks",
)
OKTA_FEDERATED = {"SAML_2_0", "SAML_1_1", "OPENID_CONNECT", "WS_FEDERATION"}
ENTRA_FEDERATED = {"saml", "oidc"}


def is_ai_service(*names: Any) -> bool:
    text = " ".join(str(n or "") for n in names).lower()
    return any(key in text for key in AI_SERVICE_NAMES)


def _graph_list(value: Any) -> list[dict] | None:
    if isinstance(value, dict) and isinstance(value.get("value"), list):
        value = value["value"]
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else None


def _kind(data: Any) -> str | None:
    if isinstance(data, list) and data and all(isinstance(a, dict) for a in data) \
            and any("signOnMode" in a for a in data) and all("label" in a or "name" in a for a in data):
        return "okta"
    if isinstance(data, dict) and ("servicePrincipals" in data or "conditionalAccessPolicies" in data):
        return "entra-bundle"
    items = _graph_list(data) if isinstance(data, dict) else None
    if items:
        if all("appId" in i for i in items):
            return "entra-sp"
        if all("conditions" in i and "grantControls" in i for i in items):
            return "entra-ca"
    return None


def detect(data: Any) -> bool:
    return _kind(data) is not None


def _okta(src: Source) -> list[Finding]:
    apps = [a for a in src.data if str(a.get("status", "ACTIVE")).upper() == "ACTIVE"
            and is_ai_service(a.get("label"), a.get("name"))]
    if not apps:
        raise ValidationError(f"{src.name}: no active AI service among the {len(src.data)} Okta applications")
    federated = [a for a in apps if a.get("signOnMode") in OKTA_FEDERATED]
    provisioned = [a for a in apps if {"PUSH_NEW_USERS", "PUSH_USER_DEACTIVATION"} <= set(a.get("features") or [])]

    def cites(items: list[dict], key: str) -> list[dict[str, str]]:
        out = []
        for a in items[:6]:
            out += [src.quote_pair("label", a.get("label")), src.quote_pair(key, a.get(key))]
        return [c for c in out if c]

    weak = [f"{a.get('label')} ({a.get('signOnMode')})" for a in apps if a not in federated]
    return [
        Finding("IAM-02.1", Coverage(len(federated), len(apps), "active AI applications sign in through SAML or OIDC"),
                citations=cites(federated, "signOnMode") or cites(apps, "signOnMode"),
                shortfalls=[f"not federated: {', '.join(weak[:5])}"] if weak else [],
                not_shown=["MFA (it lives in the Okta authentication policies, not the app list)",
                           "disabled local accounts and the quarterly break-glass review"]),
        Finding("IAM-03.3", Coverage(len(provisioned), len(apps),
                                     "active AI applications push new users and deactivations from Okta"),
                citations=[c for a in provisioned[:6] for c in (src.quote_pair("label", a.get("label")),
                                                               src.cite('"PUSH_USER_DEACTIVATION"')) if c],
                not_shown=["leavers losing access within 24 hours of HR termination",
                           "the quarterly review of provider admin-console roles"]),
    ]


def _mfa_policies(policies: list[dict]) -> list[dict]:
    out = []
    for p in policies:
        grant = p.get("grantControls") or {}
        if p.get("state") == "enabled" and ("mfa" in (grant.get("builtInControls") or [])
                                            or grant.get("authenticationStrength")):
            out.append(p)
    return out


def _covered(app_id: str, policies: list[dict]) -> dict | None:
    for p in policies:
        apps = ((p.get("conditions") or {}).get("applications") or {})
        inc, exc = apps.get("includeApplications") or [], apps.get("excludeApplications") or []
        if app_id not in exc and ("All" in inc or app_id in inc):
            return p
    return None


def _entra(src: Source, sps: list[dict] | None, cas: list[dict] | None) -> list[Finding]:
    mfa = _mfa_policies(cas or [])
    if sps is not None:
        apps = [s for s in sps if s.get("accountEnabled", True) and is_ai_service(s.get("displayName"))]
        if not apps:
            raise ValidationError(f"{src.name}: no enabled AI service among the {len(sps)} Entra service principals")
        sso = [s for s in apps if str(s.get("preferredSingleSignOnMode") or "").lower() in ENTRA_FEDERATED]
        if cas is None:
            return [Finding("IAM-02.1", Coverage(len(sso), len(apps), "enabled AI applications use SAML or OIDC single sign-on"),
                            citations=[c for s in (sso or apps)[:6] for c in (
                                src.quote_pair("displayName", s.get("displayName")),
                                src.quote_pair("preferredSingleSignOnMode", s.get("preferredSingleSignOnMode")))
                                if c],
                            not_shown=["MFA (export the conditional-access policies too)",
                                       "disabled local accounts and the quarterly break-glass review"])]
        both = [s for s in sso if _covered(str(s.get("appId")), mfa)]
        cites = []
        for s in both[:6]:
            p = _covered(str(s.get("appId")), mfa) or {}
            cites += [src.quote_pair("displayName", s.get("displayName")), src.quote_pair("displayName", p.get("displayName"))]
        return [Finding("IAM-02.1", Coverage(len(both), len(apps),
                                             "enabled AI applications use single sign-on under an enabled MFA policy"),
                        citations=[c for c in cites if c] or [src.quote_pair("displayName", apps[0].get("displayName"))],
                        not_shown=["disabled local accounts and the quarterly break-glass review"])]
    policies = cas or []
    named = sorted({a for p in policies for a in ((p.get("conditions") or {}).get("applications") or {})
                    .get("includeApplications") or [] if a not in ("All", "None", "Office365")})
    if any("All" in (((p.get("conditions") or {}).get("applications") or {}).get("includeApplications") or [])
           for p in mfa):
        covered, total, what = 1, 1, "enabled MFA policies cover all cloud applications"
        cites = [src.quote_pair("displayName", p.get("displayName")) for p in mfa[:3]] + [src.cite('"All"')]
    else:
        covered = sum(1 for a in named if _covered(a, mfa))
        total, what = len(named), "applications named in conditional-access policies require MFA"
        cites = [src.quote_pair("displayName", p.get("displayName")) for p in mfa[:6]]
    return [Finding("IAM-02.1", Coverage(covered, total, what), citations=[c for c in cites if c],
                    not_shown=["which applications are AI services and that they use SSO "
                               "(export the service principals too)",
                               "disabled local accounts and the quarterly break-glass review"])]


def propose(doc: Source, corpus: Corpus) -> list[dict[str, Any]]:
    kind = _kind(doc.data)
    if kind == "okta":
        findings = _okta(doc)
        engine = "connector:idp-okta"
    else:
        engine = "connector:idp-entra"
        if kind == "entra-bundle":
            sps = _graph_list(doc.data.get("servicePrincipals"))
            cas = _graph_list(doc.data.get("conditionalAccessPolicies"))
        elif kind == "entra-sp":
            sps, cas = _graph_list(doc.data), None
        else:
            sps, cas = None, _graph_list(doc.data)
        findings = _entra(doc, sps, cas)
    return [to_proposal(f, corpus, engine) for f in findings if corpus.control(f.control_id)]
