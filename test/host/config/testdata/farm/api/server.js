// Test app: its content does not matter to the config loader.
console.log('api');
