// The site's front page: where the guides and the API reference start.

import Link from '@docusaurus/Link';
import Layout from '@theme/Layout';
import type { ReactNode } from 'react';

export default function Home(): ReactNode {
  return (
    <Layout title="QKMS" description="The AWS KMS signing API, with the keys in your HSM">
      <main className="container margin-vert--xl">
        <h1>QKMS</h1>
        <p>
          An HSM-backed signing gateway that speaks the AWS KMS JSON protocol: applications keep
          their AWS SDK or CLI, the keys stay in a PKCS#11 token.
        </p>
        <ul>
          <li>
            <Link to="/api">API reference</Link>: every operation this build serves, with examples
            and a panel that calls a gateway from the page.
          </li>
          <li>
            <Link to="/architecture">Guides</Link>: architecture, configuration, deployment,
            security, operations.
          </li>
        </ul>
      </main>
    </Layout>
  );
}
