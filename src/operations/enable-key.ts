// EnableKey: Disabled → Enabled (a no-op on an enabled key).

import { stateChange } from './key-state-changes';

export const enableKey = stateChange('EnableKey', 'Enabled');
