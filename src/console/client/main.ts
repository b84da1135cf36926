import { whenUnauthorized } from './api.js';
import { auditSection } from './audit.js';
import { announce, byId } from './dom.js';
import { clearFieldErrors, markField } from './forms.js';
import { keysSection } from './keys-section.js';
import { credential, describeCredential, forgetCredential, saveCredential } from './session.js';
import { tokensSection } from './tokens.js';
import { usageSection } from './usage.js';

/**
 * The key console's entry: sign-in, then the keys, tokens, usage and audit-log sections, all talking to this
 * gateway's own /api with the credential kept in sessionStorage.
 */
const usage = usageSection();
const audit = auditSection();
// The keys section reports every (re)load — at sign-in and after each change — and the tokens
// section each change: the audit log reads itself again then, so what was just done is in it.
const keys = keysSection((list) => {
  usage.setKeys(list);
  void audit.load();
});
const tokens = tokensSection(
  () => describeCredential(credential() ?? '').kind,
  () => void audit.load(),
);
const signinForm = byId<HTMLFormElement>('signin-form');
const tokenInput = byId<HTMLInputElement>('signin-token');

/** Back to the sign-in form; nothing the last credential could read stays in the page. */
function showSignIn(): void {
  for (const section of [keys, tokens, usage, audit]) section.clear();
  byId('console').hidden = true;
  byId('who').hidden = true;
  byId('signin').hidden = false;
  tokenInput.focus();
}

async function showConsole(): Promise<void> {
  const info = describeCredential(credential() ?? '');
  const expires = info.expiresAt
    ? `, until ${info.expiresAt.toLocaleTimeString(undefined, { timeStyle: 'short' })}`
    : '';
  byId('who-label').textContent = `Signed in as ${info.label}${expires}`;
  byId('who').hidden = false;
  byId('signin').hidden = true;
  byId('console').hidden = false;
  // The audit log loads once the keys have (above).
  await Promise.all([keys.load(), tokens.load(), usage.load()]);
}

whenUnauthorized((failure) => {
  if (!credential()) return;
  forgetCredential();
  showSignIn();
  const message = `The gateway refused this credential: ${failure.message}`;
  markField(signinForm, 'token', message)?.focus();
  announce(message, 'error');
});

signinForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  clearFieldErrors(signinForm);
  const value = tokenInput.value.trim();
  tokenInput.value = '';
  if (!value) {
    markField(signinForm, 'token', 'Paste a JWT or a gateway token first.')?.focus();
    announce('Paste a JWT or a gateway token first.', 'error');
    return;
  }
  saveCredential(value);
  await showConsole();
  if (credential()) {
    announce(`Signed in as ${describeCredential(value).label}.`);
    byId('keys-title').focus();
  }
});

byId('sign-out').addEventListener('click', () => {
  forgetCredential();
  showSignIn();
  announce('Signed out. The credential was removed from this tab.');
});

if (credential()) void showConsole();
else showSignIn();
