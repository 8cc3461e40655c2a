import { api, clearToken, getToken, notice, param, setToken } from "./app.js";
import { safeNext } from "./redirect.js";

const form = document.getElementById("login-form");
const message = document.getElementById("message");

function destination(me) {
  const next = safeNext(param("next"), location.origin);
  if (next) return next;
  if (me.role === "respondent") {
    const open = me.interviews.filter((i) => i.status !== "done");
    if (open.length === 1) return "/interview?id=" + encodeURIComponent(open[0].id);
    return "/interview";
  }
  return "/assessment";
}

async function signIn(token) {
  setToken(token);
  try {
    const me = await api("/api/me");
    location.assign(destination(me));
  } catch (err) {
    clearToken();
    notice(message, err.status === 401 ? "That token is not valid (unknown or revoked). Check it and try again." : err.message);
  }
}

form.addEventListener("submit", (ev) => {
  ev.preventDefault();
  const token = document.getElementById("token").value.trim();
  if (!token) {
    notice(message, "Paste your access token first.");
    return;
  }
  signIn(token);
});

if (getToken() && !param("next")) signIn(getToken());
