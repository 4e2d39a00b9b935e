import { DynamicModule, Module } from '@nestjs/common';
import './app.events';
import { AppEnvironment } from './core/config/app-environment';
import { ServerOptions } from './core/config/server-options';
import { AgentModule } from './agent/agent.module';
import { AuthModule } from './auth/auth.module';
import { CommandModule } from './command/command.module';
import { CompactionModule } from './compaction/compaction.module';
import { ConfigModule } from './config/config.module';
import { CoreModule } from './core/core.module';
import { EventModule } from './event/event.module';
import { ExperimentalModule } from './experimental/experimental.module';
import { FileModule } from './file/file.module';
import { FindModule } from './find/find.module';
import { FormatterModule } from './formatter/formatter.module';
import { GlobalModule } from './global/global.module';
import { HistoryModule } from './history/history.module';
import { InstanceModule } from './instance/instance.module';
import { LogModule } from './log/log.module';
import { LspModule } from './lsp/lsp.module';
import { McpModule } from './mcp/mcp.module';
import { MetricsModule } from './metrics/metrics.module';
import { PermissionModule } from './permission/permission.module';
import { PluginModule } from './plugin/plugin.module';
import { ProjectModule } from './project/project.module';
import { PromptModule } from './prompt/prompt.module';
import { PtyModule } from './pty/pty.module';
import { QuestionModule } from './question/question.module';
import { ProviderModule } from './provider/provider.module';
import { RevertModule } from './revert/revert.module';
import { SessionModule } from './session/session.module';
import { ShareModule } from './share/share.module';
import { SkillModule } from './skill/skill.module';
import { SnapshotModule } from './snapshot/snapshot.module';
import { ToolModule } from './tool/tool.module';
import { TuiModule } from './tui/tui.module';
import { V2Module } from './v2/v2.module';
import { VcsModule } from './vcs/vcs.module';
import { WorktreeModule } from './worktree/worktree.module';

@Module({})
export class AppModule {
  static forRoot(env: AppEnvironment, server: ServerOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [
        CoreModule.forRoot(env, server),
        GlobalModule,
        EventModule,
        ProjectModule,
        InstanceModule,
        VcsModule,
        WorktreeModule,
        LogModule,
        ConfigModule,
        PluginModule,
        AuthModule,
        ProviderModule,
        AgentModule,
        CommandModule,
        SkillModule,
        SessionModule,
        TuiModule,
        PermissionModule,
        QuestionModule,
        ToolModule,
        PromptModule,
        FileModule,
        FindModule,
        LspModule,
        PtyModule,
        FormatterModule,
        McpModule,
        SnapshotModule,
        RevertModule,
        CompactionModule,
        ShareModule,
        HistoryModule,
        ExperimentalModule,
        V2Module,
        MetricsModule,
      ],
    };
  }
}
