export type FieldError = { field: string; message: string };

export class DomainError extends Error {}

export class NotFound extends DomainError {
  constructor(what = "Resource") {
    super(`${what} not found`);
    this.name = "NotFound";
  }
}

export class Forbidden extends DomainError {
  constructor(message = "You are not authorized to do this action") {
    super(message);
    this.name = "Forbidden";
  }
}

export class Unauthorized extends DomainError {
  constructor(message = "Invalid credentials") {
    super(message);
    this.name = "Unauthorized";
  }
}

export class Validation extends DomainError {
  constructor(readonly errors: FieldError[]) {
    super(errors.map((e) => `${e.field} ${e.message}`).join(", "));
    this.name = "Validation";
  }
  static field(field: string, message: string): Validation {
    return new Validation([{ field, message }]);
  }
}

export class Conflict extends DomainError {
  constructor(message: string, readonly field?: string) {
    super(message);
    this.name = "Conflict";
  }
}

export class TooManyRequests extends DomainError {
  constructor(readonly retryAfterSeconds: number, message = "Too many attempts, try again later") {
    super(message);
    this.name = "TooManyRequests";
  }
}
