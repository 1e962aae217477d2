import { ApiProperty } from '@nestjs/swagger';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';

export class CreateMessageDto {
  @ApiProperty({ example: '+15550123456', minLength: 1, maxLength: 255 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  to: string;

  @ApiProperty({ example: 'Your order #10482 has shipped.', minLength: 1, maxLength: 4096 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(4096)
  body: string;
}
