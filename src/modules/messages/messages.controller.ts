import { Body, Controller, Patch, Post, UseGuards, Param, ParseUUIDPipe } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiTags,
} from '@nestjs/swagger';
import { JwtAuthGuard } from '../../common/auth/jwt-auth.guard';
import { TenantId } from '../../common/auth/tenant.decorator';
import { CreateMessageDto } from './dto/create-message.dto';
import { MessageResponse } from './dto/message.response';
import { UpdateMessageStatusDto } from './dto/update-message-status.dto';
import { MessagesService } from './messages.service';

/** Example producer: each route writes a message and emits its `message.*` event. */
@ApiTags('messages')
@ApiBearerAuth()
@UseGuards(JwtAuthGuard)
@Controller('api/v1/messages')
export class MessagesController {
  constructor(private readonly messages: MessagesService) {}

  @Post()
  @ApiCreatedResponse({ type: MessageResponse, description: 'Sent; emits message.sent' })
  @ApiBadRequestResponse({ description: 'Invalid body' })
  async send(
    @TenantId() tenantId: string,
    @Body() dto: CreateMessageDto,
  ): Promise<MessageResponse> {
    return MessageResponse.from(await this.messages.create(tenantId, dto));
  }

  @Patch(':id/status')
  @ApiOkResponse({ type: MessageResponse, description: 'Updated; emits message.<status>' })
  @ApiNotFoundResponse({ description: 'No such message for this tenant' })
  async updateStatus(
    @TenantId() tenantId: string,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: UpdateMessageStatusDto,
  ): Promise<MessageResponse> {
    return MessageResponse.from(await this.messages.updateStatus(tenantId, id, dto.status));
  }
}
