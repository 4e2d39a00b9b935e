import { Get, Param } from '@nestjs/common';
import { V2Controller } from '../../core/http/v2/v2-controller.decorator';
import { V2Endpoint } from '../../core/http/v2/v2-endpoint.decorator';
import { CurrentLocation } from '../../core/http/request-context';
import { located, type Located, type RequestLocation } from '../../core/http/v2/request-location';
import { CatalogV2Service } from './catalog-v2.service';
import { ProviderNotFoundErrorDto, ProviderV2InfoDto } from './dto/catalog-v2.dto';
import { ProviderParamsDto } from './dto/provider-params.dto';

@V2Controller('provider')
export class ProviderV2Controller {
  constructor(private readonly catalog: CatalogV2Service) {}

  @Get()
  @V2Endpoint({
    operationId: 'v2.provider.list',
    tag: 'providers',
    summary: 'List providers',
    description:
      'Retrieve active AI providers so clients can show provider availability and configuration.',
    response: { located: [ProviderV2InfoDto] },
  })
  list(@CurrentLocation() location: RequestLocation): Promise<Located<ProviderV2InfoDto[]>> {
    return located(location, this.catalog.providerList(location.instance));
  }

  @Get(':providerID')
  @V2Endpoint({
    operationId: 'v2.provider.get',
    tag: 'providers',
    summary: 'Get provider',
    description:
      'Retrieve a single AI provider so clients can inspect its availability and endpoint settings.',
    response: { located: ProviderV2InfoDto },
    errors: [[404, ProviderNotFoundErrorDto]],
  })
  get(
    @CurrentLocation() location: RequestLocation,
    @Param() params: ProviderParamsDto,
  ): Promise<Located<ProviderV2InfoDto>> {
    return located(location, this.catalog.provider(location.instance, params.providerID));
  }
}
