// The renderer's .tsx files use Vue's h() as the JSX factory (tsconfig.json); this brings in
// Vue's JSX element types.
/// <reference types="vue/jsx" />
