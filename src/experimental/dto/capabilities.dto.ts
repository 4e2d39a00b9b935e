import { ApiProperty, ApiSchema } from '@nestjs/swagger';

/** What the server can do beyond the stable API (`GET /experimental/capabilities`). */
@ApiSchema({ name: 'ExperimentalCapabilities' })
export class ExperimentalCapabilitiesDto {
  @ApiProperty({
    description: 'Whether running subagents can be moved to the background (`.../background`)',
  })
  backgroundSubagents: boolean;
}
