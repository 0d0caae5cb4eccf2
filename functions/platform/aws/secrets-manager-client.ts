import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { GetSecretValueCommandOutput } from '@aws-sdk/client-secrets-manager';
import { sharedClient } from './shared-clients.ts';

/** The process-wide Secrets Manager client (why it has a module of its own: shared-clients.ts). */
export const secretsManager = (): SecretsManagerClient => sharedClient('secretsManager', (c) => new SecretsManagerClient(c));

/** One GetSecretValue call. */
export function getSecretValue(client: SecretsManagerClient, secretId: string): Promise<GetSecretValueCommandOutput> {
  return client.send(new GetSecretValueCommand({ SecretId: secretId }));
}
