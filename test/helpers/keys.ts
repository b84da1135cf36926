// Provider-shaped keys live with the fakes (fakes/keys.ts), which `npm run demo` uses too.
export { fakeKey, type KeyProvider } from '../../fakes/keys.js';
