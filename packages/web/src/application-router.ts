// Tornado's _ApplicationRouter: the ReversibleRuleRouter an Application routes with. On top of a
// plain rule router it accepts RequestHandler classes as targets (served by the application) and
// turns lists of rules into nested routers of the same application. It also has a lookup for the
// hot path, `findRoute`, that resolves handler targets to a HandlerRoute without building a
// delegate: rules are compiled once, and a rule whose matcher extracted nothing (a literal path)
// answers with a route made in advance, so such requests allocate nothing here.

import type { HTTPMessageDelegate, HTTPServerRequest } from '@tornado-ts/httputil';
import type { Application } from './application';
import { HandlerDelegate } from './handler-delegate';
import type { HandlerKwargs } from './request-handler';
import type { TargetParams } from './routing-delegates';
import { NO_GROUPS, type Matcher, type RouteMatch } from './routing-matchers';
import { isHandlerClass, ReversibleRuleRouter, Rule, targetParams, type HandlerClass, type RuleSpec } from './routing-rule-router';

/** Where a request goes: the handler class, its kwargs and the route's groups. */
export interface HandlerRoute {
  readonly handlerClass: HandlerClass;
  readonly kwargs: HandlerKwargs;
  readonly match: RouteMatch;
}

/** A HandlerRoute made by the routers (told apart from foreign delegates by class). */
export class HandlerTarget implements HandlerRoute {
  constructor(
    readonly handlerClass: HandlerClass,
    readonly kwargs: HandlerKwargs,
    readonly match: RouteMatch,
  ) {}
}

/** Shared by an application's routers: false once any rule sends requests elsewhere than a handler class. */
export interface RoutingState {
  handlersOnly: boolean;
}

const HANDLER = 0;
const NESTED = 1;
const FOREIGN = 2;

interface CompiledRule {
  readonly matcher: Matcher;
  readonly kind: typeof HANDLER | typeof NESTED | typeof FOREIGN;
  readonly rule: Rule;
  /** For a handler target: its route when the matcher extracts nothing. */
  readonly fixed: HandlerTarget | null;
}

/** The router of an Application (Tornado's `_ApplicationRouter`); see `Application.wildcardRouter`. */
export class ApplicationRouter extends ReversibleRuleRouter {
  readonly application: Application;
  readonly #state: RoutingState;
  #compiled: CompiledRule[] = [];

  /** @throws {TypeError} for a malformed rule. */
  constructor(application: Application, rules: readonly RuleSpec[], state: RoutingState) {
    super();
    this.application = application;
    this.#state = state;
    this.addRules(rules);
  }

  protected override servesHandlerClasses(): boolean {
    return true;
  }

  protected override processRule(rule: Rule): Rule {
    const processed = super.processRule(rule);
    if (isHandlerClass(processed.target)) return processed;
    if (!(processed.target instanceof ApplicationRouter && processed.target.application === this.application)) this.#state.handlersOnly = false;
    return processed;
  }

  protected override createNestedRouter(rules: readonly RuleSpec[]): ApplicationRouter {
    return new ApplicationRouter(this.application, rules, this.#state);
  }

  /** Compiles the rules when they changed (rules are only ever added, so the count tells). */
  #rulesCompiled(): CompiledRule[] {
    const rules = this.rules;
    if (this.#compiled.length === rules.length) return this.#compiled;
    this.#compiled = rules.map((rule): CompiledRule => {
      const target = rule.target;
      if (isHandlerClass(target)) {
        return { matcher: rule.matcher, kind: HANDLER, rule, fixed: new HandlerTarget(target, rule.targetKwargs, NO_GROUPS) };
      }
      const nested = target instanceof ApplicationRouter && target.application === this.application;
      return { matcher: rule.matcher, kind: nested ? NESTED : FOREIGN, rule, fixed: null };
    });
    return this.#compiled;
  }

  /**
   * Where `request` goes: a HandlerTarget for a handler class, the delegate of any other target,
   * or null when no rule applies. With `handlersOnly`, rules with other targets are skipped (so
   * nothing outside the application runs).
   */
  findRoute(request: HTTPServerRequest, handlersOnly: boolean): HandlerTarget | HTTPMessageDelegate | null {
    const compiled = this.#rulesCompiled();
    for (let i = 0; i < compiled.length; i++) {
      const entry = compiled[i];
      if (handlersOnly && entry.kind === FOREIGN) continue;
      const match = entry.matcher.match(request);
      if (match === null) continue;
      if (entry.kind === HANDLER) {
        return match === NO_GROUPS ? entry.fixed : new HandlerTarget(entry.rule.target as HandlerClass, entry.rule.targetKwargs, match);
      }
      const found = entry.kind === NESTED
        ? (entry.rule.target as ApplicationRouter).findRoute(request, handlersOnly)
        : this.getTargetDelegate(entry.rule.target, request, targetParams(match, entry.rule.targetKwargs));
      if (found !== null) return found;
    }
    return null;
  }

  /**
   * Router interface: a handler target gets the application's handler delegate, made from the
   * route found here for this request (nothing is looked up or built again when it starts).
   */
  override findHandler(request: HTTPServerRequest, _params?: TargetParams): HTTPMessageDelegate | null {
    const found = this.findRoute(request, false);
    if (found instanceof HandlerTarget) return HandlerDelegate.forRoute(this.application, request, found);
    return found;
  }
}
