import { ApiProperty } from '@nestjs/swagger';

export class PortalSessionResponse {
  @ApiProperty({
    example: 'https://app.example.com/portal#token=whp_eyJ2IjoxfQ.c2lnbmF0dXJl',
    description: 'The portal page, with the token in the fragment (never sent to a server)',
  })
  url: string;

  @ApiProperty({ description: 'Send it as `Authorization: Bearer <token>`' })
  token: string;

  @ApiProperty({ type: String, format: 'date-time' })
  expiresAt: string;
}

export class PortalSessionStateResponse {
  @ApiProperty({ description: 'Whether the caller may change nothing and see no secret' })
  readOnly: boolean;

  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: "The session's expiry; null for a caller that is not a portal session",
  })
  expiresAt: string | null;
}
