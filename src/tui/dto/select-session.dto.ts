import { Field } from '../../core/http/field.decorators';

export class SelectSessionDto {
  // Any id the terminal client may know (`ses...`), not only this server's format.
  @Field.string({
    pattern: /^ses/,
    patternMessage: 'sessionID must be a session id (ses...)',
    description: 'Session ID to navigate to',
  })
  sessionID: string;
}
