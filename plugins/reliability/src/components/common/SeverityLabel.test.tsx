import { render, screen } from '@testing-library/react';
import { UnifiedThemeProvider, themes } from '@backstage/theme';
import { SeverityLabel, SeverityLevel } from './SeverityLabel';

function renderIn(theme: 'light' | 'dark', level: SeverityLevel) {
  return render(
    <UnifiedThemeProvider theme={themes[theme]}>
      <SeverityLabel level={level}>label-{level}</SeverityLabel>
    </UnifiedThemeProvider>,
  );
}

const hexToRgb = (hex: string) => {
  const n = parseInt(hex.replace('#', ''), 16);
  return `rgb(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255})`;
};

describe('SeverityLabel', () => {
  it('should convey each level by text and icon shape, coloured from the light and dark theme palettes', () => {
    const shapes: Record<string, string[]> = {};
    for (const theme of ['light', 'dark'] as const) {
      const palette = themes[theme].getTheme('v4')!.palette as any;
      const expected = { ok: palette.status.ok, warning: palette.status.warning, critical: palette.status.error };
      for (const level of ['ok', 'warning', 'critical'] as const) {
        const { unmount } = renderIn(theme, level);
        expect(screen.getByText(`label-${level}`)).toBeVisible();
        const icon = screen.getByTitle(level).closest('svg')!;
        (shapes[level] ??= []).push(icon.querySelector('path')!.getAttribute('d')!);
        expect(getComputedStyle(icon).color).toBe(hexToRgb(expected[level]));
        unmount();
      }
      const { unmount } = renderIn(theme, 'unknown');
      expect(screen.getByText('label-unknown')).toBeVisible();
      (shapes.unknown ??= []).push(screen.getByTitle('unknown').closest('svg')!.querySelector('path')!.getAttribute('d')!);
      unmount();
    }
    for (const paths of Object.values(shapes)) {
      expect(new Set(paths).size).toBe(1);
    }
    expect(new Set(Object.values(shapes).map(p => p[0])).size).toBe(4);
  });
});
