import type { Config } from 'tailwindcss';

// Theme tokens; app/globals.css loads this file with @config (Tailwind v4).
export default {
  content: ['./app/**/*.{ts,tsx}', './components/**/*.{ts,tsx}'],
  theme: {
    extend: {
      colors: {
        brand: {
          50: '#eef5ff',
          100: '#d9e8ff',
          500: '#2f6fed',
          600: '#1f5bd6',
          700: '#1a49ab',
          900: '#142f66',
        },
        ink: { DEFAULT: '#0f172a', muted: '#475569', subtle: '#94a3b8' },
      },
      fontFamily: {
        sans: ['ui-sans-serif', 'system-ui', '-apple-system', 'Segoe UI', 'Roboto', 'Helvetica Neue', 'Arial', 'sans-serif'],
      },
    },
  },
} satisfies Config;
