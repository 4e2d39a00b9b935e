const LOCAL_ORIGIN = /^http:\/\/(localhost|127\.0\.0\.1)(:\d+)?$/;
const TAURI_ORIGINS = new Set([
  'tauri://localhost',
  'http://tauri.localhost',
  'https://tauri.localhost',
]);

/**
 * Browser origins the server answers with CORS headers: local pages on any port, the desktop
 * app's tauri origins, and whatever `--cors` added. Any other origin gets no CORS headers.
 */
export function createOriginPolicy(
  extraOrigins: readonly string[],
): (origin: string | undefined) => boolean {
  const extra = new Set(extraOrigins);
  return (origin) =>
    origin !== undefined &&
    (LOCAL_ORIGIN.test(origin) || TAURI_ORIGINS.has(origin) || extra.has(origin));
}
