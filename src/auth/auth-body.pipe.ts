import { ArgumentMetadata, Injectable, PipeTransform } from '@nestjs/common';
import { BadRequestError } from '../core/errors/named-error';
import { AppValidationPipe } from '../core/http/validation';
import { AUTH_DTO_BY_TYPE, AuthDto } from './dto/auth.dto';

/**
 * Validates an `Auth` body: picks the DTO of its `type` (`oauth`, `api`, `wellknown`) and runs
 * the app's validation pipe on it, so each variant is checked strictly (unknown fields refused)
 * with the usual `BadRequest` naming the field.
 */
@Injectable()
export class AuthBodyPipe implements PipeTransform<unknown, Promise<AuthDto>> {
  private readonly validation = new AppValidationPipe();

  async transform(value: unknown, metadata: ArgumentMetadata): Promise<AuthDto> {
    const type =
      typeof value === 'object' && value !== null ? (value as { type?: unknown }).type : undefined;
    if (typeof type !== 'string' || !Object.hasOwn(AUTH_DTO_BY_TYPE, type)) {
      throw new BadRequestError(
        'type must be one of the following values: oauth, api, wellknown',
        'Body',
        'type',
      );
    }
    const metatype = AUTH_DTO_BY_TYPE[type as keyof typeof AUTH_DTO_BY_TYPE];
    return (await this.validation.transform(value, { ...metadata, metatype })) as AuthDto;
  }
}
