// DisableKey: Enabled → Disabled; Sign and Verify then answer DisabledException.

import { stateChange } from './key-state-changes';

export const disableKey = stateChange('DisableKey', 'Disabled');
