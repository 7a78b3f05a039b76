// Sign in, sign up and sign out. Passwords are checked with scrypt; a signed-in browser holds only
// a signed session id. Sign-out is a POST (with the XSRF token), so another site cannot log you out.
import { BaseHandler } from './base-handler.mjs';
import { hashPassword, verifyPassword } from './passwords.mjs';
import { describeZodError, signupInput } from './validation.mjs';

// Compared against when the user name is unknown, so a wrong name costs as long as a wrong password.
const decoyHash = hashPassword('not a real password');

export class LoginHandler extends BaseHandler {
  get() {
    return this.render('login.html', { next: this.safeNext(this.getArgument('next', '/')), username: '', error: null });
  }

  async post() {
    const username = this.getArgument('username', '');
    const password = this.getArgument('password', '', false);
    const next = this.safeNext(this.getArgument('next', '/'));
    const user = username === '' ? null : this.store.userByName(username);
    const matches = await verifyPassword(password, user?.passwordHash ?? (await decoyHash));
    if (!user || !matches) {
      this.setStatus(403);
      return this.render('login.html', { next, username, error: 'Incorrect user name or password.' });
    }
    await this.logIn(user);
    this.flash(`Welcome back, ${user.name}.`, 'success');
    this.redirect(next);
  }
}

export class SignupHandler extends BaseHandler {
  get() {
    return this.render('signup.html', { username: '', name: '', error: null });
  }

  async post() {
    const form = {
      username: this.getArgument('username', ''),
      name: this.getArgument('name', ''),
      password: this.getArgument('password', '', false),
    };
    const parsed = signupInput.safeParse(form);
    const error = parsed.success ? null : describeZodError(parsed.error);
    const user = parsed.success ? await this.store.createUser(parsed.data) : null;
    if (!user) {
      this.setStatus(400);
      return this.render('signup.html', { username: form.username, name: form.name, error: error ?? `The user name ${form.username} is taken.` });
    }
    await this.logIn(user);
    this.flash(`Welcome, ${user.name}: your account is ready.`, 'success');
    this.redirect('/');
  }
}

export class LogoutHandler extends BaseHandler {
  get() {
    return this.render('logout.html');
  }

  async post() {
    await this.logOut();
    this.flash('You are signed out.', 'info');
    this.redirect('/');
  }
}
