/**
 * A classic script in the popup's <head>: it asks storage for the last snapshot while the browser is still loading
 * the popup's modules (Vue and the rest), so the first frame can show counts a few ms sooner. main.ts picks it up.
 * It uses the browser's own promise-based storage API: the polyfill would make this tiny script 10 KB.
 */
export default defineUnlistedScript(() => {
  const api = (globalThis as { browser?: typeof chrome }).browser ?? chrome;
  (globalThis as { beaconStoredSnapshot?: Promise<unknown> }).beaconStoredSnapshot = api.storage.local
    .get('snapshot')
    .then((stored) => stored.snapshot ?? null);
});
