/**
 * Who is signed in: the access token and what the sign-in said about the person. Kept in
 * sessionStorage, so a reload keeps the tab signed in and closing it signs out; never in
 * localStorage, where every tab and every later visitor of the machine would find it.
 */
export interface Session {
  token: string;
  name: string;
  kind: 'citizen' | 'personnel';
}

const KEY = 'samplan.session';
const listeners = new Set<() => void>();

/** Read once from storage, then kept: the same object until someone signs in or out (React compares it). */
let cached: Session | null | undefined;

export function currentSession(): Session | null {
  if (cached !== undefined) return cached;
  const raw = sessionStorage.getItem(KEY);
  try {
    cached = raw ? (JSON.parse(raw) as Session) : null;
  } catch {
    cached = null;
  }
  return cached;
}

export function signIn(session: Session): void {
  sessionStorage.setItem(KEY, JSON.stringify(session));
  cached = session;
  listeners.forEach((listener) => listener());
}

export function signOut(): void {
  sessionStorage.removeItem(KEY);
  cached = null;
  listeners.forEach((listener) => listener());
}

export function onSessionChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
