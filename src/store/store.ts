/** The one zustand store of the page. Components select what they need; actions live in actions.ts. */
import { create } from 'zustand';
import { DEFAULT_CONFIG } from './presets';
import { initialState, type AppState } from './state';

export const useAppStore = create<AppState>()(() => initialState(DEFAULT_CONFIG));

/** Back to a fresh page's state (tests call this between cases). */
export function resetStore(): void {
  useAppStore.setState(initialState(DEFAULT_CONFIG), true);
}
