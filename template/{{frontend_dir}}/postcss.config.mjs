// Tailwind CSS 4, as create-next-app sets it up.
const config = {
  plugins: ["@tailwindcss/postcss"],
};

export default config;
