import { useCallback, useEffect, useState } from 'react';
import { THEME_CHOICES } from '@streamflow/schema/profile';
import { api } from '../api.ts';
import { applyTheme, storedThemeChoice, storeThemeChoice, type ThemeChoice } from './themes.ts';

/**
 * The user's theme choice, applied to the page: kept on this device and on
 * the server (`PUT /api/me/preferences`), so the user's other devices show the
 * same. A choice from the server (`/api/me.theme`) wins over this device's
 * old one. While the choice is 'system' it follows the device's light/dark
 * setting. `brand` is the tenant's brand colour (client space), else null.
 */
export function useTheme(brand: string | null = null, serverTheme: string | null = null): [ThemeChoice, (c: ThemeChoice) => void] {
  const fromServer = (THEME_CHOICES as readonly string[]).includes(serverTheme ?? '') ? (serverTheme as ThemeChoice) : null;
  const [choice, setChoice] = useState<ThemeChoice>(() => fromServer ?? storedThemeChoice());
  useEffect(() => {
    if (fromServer) {
      storeThemeChoice(fromServer);
      setChoice(fromServer);
    }
  }, [fromServer]);
  useEffect(() => {
    applyTheme(choice, brand);
    if (choice !== 'system' || typeof matchMedia !== 'function') return;
    const mq = matchMedia('(prefers-color-scheme: dark)');
    const onChange = () => applyTheme('system', brand);
    mq.addEventListener('change', onChange);
    return () => mq.removeEventListener('change', onChange);
  }, [choice, brand]);
  const choose = useCallback((c: ThemeChoice) => {
    storeThemeChoice(c);
    setChoice(c);
    // Offline, the choice stays on this device; the next choice online carries it to the server.
    void api('/api/me/preferences', { method: 'PUT', body: JSON.stringify({ theme: c }) }).catch(() => {});
  }, []);
  return [choice, choose];
}
