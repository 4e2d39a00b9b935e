import { Injectable, PipeTransform } from '@nestjs/common';
import { Matches } from 'class-validator';
import { BadRequestError } from '../errors/named-error';
import { idPattern, IdKind, ID_PREFIXES } from '../id';

/**
 * Validates an id path parameter (`ses_...`, `msg_...`): a malformed id is a 400 naming the
 * parameter, so lookups only ever see well-formed ids (and an unknown one is then a 404).
 */
@Injectable()
export class IdParamPipe implements PipeTransform<string, string> {
  private readonly pattern: RegExp;

  constructor(
    private readonly kind: IdKind,
    private readonly name: string,
  ) {
    this.pattern = idPattern(kind);
  }

  transform(value: string): string {
    if (!this.pattern.test(value)) {
      throw new BadRequestError(
        `${this.name} must be an id starting with "${ID_PREFIXES[this.kind]}_"`,
        'Params',
        this.name,
      );
    }
    return value;
  }
}

/** Validates a body or query field holding an id of `kind` (`messageID`, `parentID`, ...). */
export function IsEntityId(kind: IdKind): PropertyDecorator {
  return Matches(idPattern(kind), {
    message: `$property must be an id starting with "${ID_PREFIXES[kind]}_"`,
  });
}
