// Key and alias ARNs, built from the configured partition, region and account.

export interface ArnScope {
  readonly partition: string;
  readonly region: string;
  readonly account: string;
}

export function keyArn(scope: ArnScope, keyId: string): string {
  return `arn:${scope.partition}:kms:${scope.region}:${scope.account}:key/${keyId}`;
}

export function aliasArn(scope: ArnScope, aliasName: string): string {
  return `arn:${scope.partition}:kms:${scope.region}:${scope.account}:${aliasName}`;
}
