import { useEffect, useState } from 'preact/hooks';

/** An on/off choice remembered in localStorage (per browser); storage may be disabled, then it lasts for the page. */
export function usePreference(key: string, fallback: boolean): [boolean, (on: boolean) => void] {
  const [value, setValue] = useState(() => {
    try {
      const stored = window.localStorage.getItem(key);
      return stored === null ? fallback : stored === 'on';
    } catch {
      return fallback;
    }
  });
  useEffect(() => {
    try {
      window.localStorage.setItem(key, value ? 'on' : 'off');
    } catch {
      // kept for this page only
    }
  }, [key, value]);
  return [value, setValue];
}
