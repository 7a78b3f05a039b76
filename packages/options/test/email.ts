/** The test's value class, as Tornado's options_test.Email: a string holding an `@`. */
export class Email {
  readonly value: string;

  constructor(value: string) {
    if (!value.includes('@')) throw new Error(`not an email: ${value}`);
    this.value = value;
  }
}
