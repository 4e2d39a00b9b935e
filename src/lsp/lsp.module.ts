import { Module } from '@nestjs/common';
import { ConfigModule } from '../config/config.module';
import { LspController } from './lsp.controller';
import { LspService } from './lsp.service';

/**
 * `GET /lsp`, and `LspService` for the areas that touch files (tools) or want what the language
 * servers know (diagnostics, workspace symbols for `/find/symbol`).
 */
@Module({
  imports: [ConfigModule],
  controllers: [LspController],
  providers: [LspService],
  exports: [LspService],
})
export class LspModule {}
