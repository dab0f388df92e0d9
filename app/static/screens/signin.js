// The sign-in form of both screens, built here so that its labels and behaviour are one.
import { isOffline, login } from "./api.js";
import { el, say } from "./format.js";

// Fills the page's empty <form id="sign-in">; onSignedIn() runs after a good password.
export function signInForm(form, onSignedIn) {
  const email = el("input", { id: "email", name: "email", type: "email", autocomplete: "username", required: true });
  const password = el("input", { id: "password", name: "password", type: "password", autocomplete: "current-password", required: true });
  const message = el("p", { id: "sign-in-message", class: "message", role: "alert" });
  form.replaceChildren(
    el("h2", { text: "Sign in" }),
    el("label", { for: "email", text: "E-mail" }), email,
    el("label", { for: "password", text: "Password" }), password,
    el("button", { type: "submit", class: "primary", text: "Sign in" }),
    message,
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    say(message, "Signing in…");
    try {
      await login(email.value.trim(), password.value);
      password.value = "";
      say(message, "");
      await onSignedIn();
    } catch (error) {
      say(message, isOffline(error) ? "No network: signing in needs one." : error.message, "bad");
    }
  });
}
