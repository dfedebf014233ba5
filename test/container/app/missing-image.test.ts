// A test that names an image the engine does not have fails at once with the error
// docs/testing-with-qkms.md shows, naming the command that builds that image: QKMS images come
// from no registry, so nothing is pulled (a pull here would fail otherwise, or hang offline).

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { QkmsContainer, QkmsImageMissingError } from 'qkms/testcontainers';
import { describeWithEngine } from './engine';

const DOC = readFileSync(join(__dirname, '../../../docs/testing-with-qkms.md'), 'utf8');

describeWithEngine('QkmsContainer with an image the engine does not have', () => {
  it('fails with the documented error, naming the build command for that tag', async () => {
    const documented = /^Error: (The QKMS image qkms:dev is not on this Docker engine\..*)$/m.exec(
      DOC,
    )?.[1];
    expect(documented).toContain('docker build -f deploy/Dockerfile --target dev -t qkms:dev .');
    const image = `qkms:missing-${randomUUID()}`;
    const start = new QkmsContainer(image)
      .withKey({ alias: 'alias/app', spec: 'ECC_NIST_P256' })
      .start();
    await expect(start).rejects.toBeInstanceOf(QkmsImageMissingError);
    await expect(start).rejects.toThrow(documented!.replaceAll('qkms:dev', image));
  });
});
