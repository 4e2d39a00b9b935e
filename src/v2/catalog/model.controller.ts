import { Get } from '@nestjs/common';
import { V2Controller } from '../../core/http/v2/v2-controller.decorator';
import { V2Endpoint } from '../../core/http/v2/v2-endpoint.decorator';
import { CurrentLocation } from '../../core/http/request-context';
import { located, type Located, type RequestLocation } from '../../core/http/v2/request-location';
import { CatalogV2Service } from './catalog-v2.service';
import { ModelV2InfoDto } from './dto/catalog-v2.dto';

@V2Controller('model')
export class ModelV2Controller {
  constructor(private readonly catalog: CatalogV2Service) {}

  @Get()
  @V2Endpoint({
    operationId: 'v2.model.list',
    tag: 'models',
    summary: 'List models',
    description: 'Retrieve available models ordered by release date.',
    response: { located: [ModelV2InfoDto] },
  })
  list(@CurrentLocation() location: RequestLocation): Promise<Located<ModelV2InfoDto[]>> {
    return located(location, this.catalog.modelList(location.instance));
  }
}
