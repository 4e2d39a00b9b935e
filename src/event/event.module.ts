import { Module } from '@nestjs/common';
import { EventController } from './event.controller';
import { EventStreamService } from './event-stream.service';

@Module({ controllers: [EventController], providers: [EventStreamService] })
export class EventModule {}
