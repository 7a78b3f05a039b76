// Who is asking: the signed `session` cookie names a session id, the session store maps it to a
// user id, the blog store has the user. Shared by page handlers and the chat WebSocket handler.

export const SESSION_COOKIE = 'session';
const SESSION_COOKIE_DAYS = 14;

/** What templates and JSON see of a user (never the password hash). */
export function publicUser(user) {
  return { id: user.id, username: user.username, name: user.name };
}

/** The session id and user of `handler`'s request, both null when it is anonymous. */
export async function loadSessionUser(handler) {
  const { blogStore, sessionStore } = handler.settings;
  await blogStore.refresh();
  const sessionId = handler.getSignedCookie(SESSION_COOKIE, undefined, { maxAgeDays: SESSION_COOKIE_DAYS });
  if (!sessionId) return { sessionId: null, user: null };
  const session = await sessionStore.get(sessionId);
  const user = session ? blogStore.userById(session.userId) : null;
  return user ? { sessionId, user: publicUser(user) } : { sessionId: null, user: null };
}

/** The signed cookie that carries a session id: not readable by scripts, not sent cross-site on POSTs. */
export function setSessionCookie(handler, sessionId) {
  handler.setSignedCookie(SESSION_COOKIE, sessionId, { expiresDays: SESSION_COOKIE_DAYS, httpOnly: true, sameSite: 'Lax', path: '/' });
}
