import { ApiProperty } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsNotEmpty,
  IsString,
  MaxLength,
  ValidateBy,
} from 'class-validator';
import { MAX_EVENT_PAYLOAD_BYTES } from '../../webhooks';

export const MAX_RECIPIENTS = 1000;
/**
 * campaign.* events carry the whole recipient list, so it must fit an event payload with room
 * (4 KiB) for the envelope and the other campaign fields. 1000 plain ASCII recipients of 255
 * characters fit; lists that only exceed it through multi-byte or escaped characters are
 * refused here, at create, rather than failing at start.
 */
export const MAX_RECIPIENTS_JSON_BYTES = MAX_EVENT_PAYLOAD_BYTES - 4096;

function recipientsSizeProblem(value: unknown): string | null {
  if (!Array.isArray(value)) return null;
  const bytes = Buffer.byteLength(JSON.stringify(value));
  return bytes <= MAX_RECIPIENTS_JSON_BYTES
    ? null
    : `recipients take ${bytes} bytes as JSON; the limit is ${MAX_RECIPIENTS_JSON_BYTES}`;
}

export class CreateCampaignDto {
  @ApiProperty({ example: 'January Winter Sale', minLength: 1, maxLength: 255 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  name: string;

  @ApiProperty({
    example: ['+14155550101', '+14155550102'],
    description: `1..${MAX_RECIPIENTS} non-empty strings of at most 255 characters`,
    type: [String],
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_RECIPIENTS)
  @IsString({ each: true })
  @IsNotEmpty({ each: true })
  @MaxLength(255, { each: true })
  @ValidateBy({
    name: 'recipientsSize',
    validator: {
      validate: (value) => recipientsSizeProblem(value) === null,
      defaultMessage: (args) => recipientsSizeProblem(args?.value) ?? '',
    },
  })
  recipients: string[];
}
