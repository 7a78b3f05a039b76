// The shapes of what users send, as zod schemas shared by the HTML forms and the JSON API.
import { z } from 'zod';

export const articleInput = z.strictObject({
  title: z.string().trim().min(1, 'the title must not be empty').max(200, 'the title must be at most 200 characters'),
  body: z.string().trim().min(1, 'the body must not be empty').max(100_000, 'the body must be at most 100000 characters'),
});

export const signupInput = z.strictObject({
  username: z.string().regex(/^[A-Za-z0-9_.-]{3,32}$/, 'the user name must be 3 to 32 letters, digits, dots, dashes or underscores'),
  name: z.string().trim().min(1, 'the display name must not be empty').max(64, 'the display name must be at most 64 characters'),
  password: z.string().min(8, 'the password must be at least 8 characters').max(200, 'the password must be at most 200 characters'),
});

export const chatInput = z.strictObject({
  body: z.string().trim().min(1, 'the message must not be empty').max(2_000, 'the message must be at most 2000 characters'),
});

/** One readable line from a zod error: `title: the title must not be empty; body: ...`. */
export function describeZodError(error) {
  return error.issues.map((issue) => (issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message)).join('; ');
}
