import type { UserPreferences } from './preference.js';

export interface PreferenceStore {
  /** null when the user never saved any (callers use defaultPreferences). */
  get(username: string): Promise<UserPreferences | null>;
  /** Replaces the user's preferences. */
  put(preferences: UserPreferences): Promise<void>;
}
