import { Module } from '@nestjs/common';
import { ConfigModule } from '../config/config.module';
import { FormatterController } from './formatter.controller';
import { FormatterService } from './formatter.service';

/** `GET /formatter`, and `FormatterService.formatFile` for the tools that write files. */
@Module({
  imports: [ConfigModule],
  controllers: [FormatterController],
  providers: [FormatterService],
  exports: [FormatterService],
})
export class FormatterModule {}
