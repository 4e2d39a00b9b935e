import { Injectable } from '@nestjs/common';
import { BusService } from '../core/bus/bus.service';
import { InstanceService } from '../core/instance/instance.service';

/** What works on the whole server rather than one project directory. */
@Injectable()
export class GlobalService {
  constructor(
    private readonly instances: InstanceService,
    private readonly bus: BusService,
  ) {}

  /**
   * Disposes every instance (each publishes `server.instance.disposed`, ending its `/event`
   * streams), then publishes `global.disposed` server-wide, as the reference. The next request of
   * a directory starts a new instance.
   */
  async dispose(): Promise<boolean> {
    await this.instances.disposeAll();
    this.bus.publish(undefined, 'global.disposed', {});
    return true;
  }
}
