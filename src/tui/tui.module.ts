import { Module } from '@nestjs/common';
import { AppEnvironment } from '../core/config/app-environment';
import { SessionModule } from '../session/session.module';
import { TuiController } from './tui.controller';
import { TUI_CONTROL_OPTIONS, tuiControlOptionsFrom } from './tui-control.options';
import { TuiControlService } from './tui-control.service';
import { TuiService } from './tui.service';

/**
 * The /tui routes. Exports `TuiControlService` so other areas can ask the terminal client
 * something (`request(instance, path, body)`) and `TuiService` to drive it (toasts, commands).
 */
@Module({
  imports: [SessionModule],
  controllers: [TuiController],
  providers: [
    TuiService,
    TuiControlService,
    {
      provide: TUI_CONTROL_OPTIONS,
      inject: [AppEnvironment],
      useFactory: (env: AppEnvironment) => tuiControlOptionsFrom(env.variables),
    },
  ],
  exports: [TuiService, TuiControlService],
})
export class TuiModule {}
