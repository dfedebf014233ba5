// The components the generated API reference pages use, available to every MDX page without
// an import (so the pages stay plain data the generator writes).

import MDXComponents from '@theme-original/MDXComponents';
import ApiExample from '@site/src/components/ApiExample';
import ApiTester from '@site/src/components/ApiTester';
import ParamsTable from '@site/src/components/ParamsTable';

export default { ...MDXComponents, ApiExample, ApiTester, ParamsTable };
