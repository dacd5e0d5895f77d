import { useLayoutEffect, useRef, useState } from 'preact/hooks';

/** The element's content width in CSS pixels, kept current as the window resizes (charts draw to it). */
export function useWidth<T extends HTMLElement>(fallback: number): [preact.RefObject<T | null>, number] {
  const ref = useRef<T>(null);
  const [width, setWidth] = useState(fallback);
  useLayoutEffect(() => {
    const el = ref.current;
    if (el === null) return;
    setWidth(el.clientWidth || fallback);
    const observer = new ResizeObserver(() => setWidth(el.clientWidth || fallback));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  return [ref, width];
}
