/** Who is calling, taken from the verified bearer token only. */
export interface AuthContext {
  subject: string;
  tenantId: string;
  roles: string[];
}

export const ADMIN_ROLE = 'admin';
